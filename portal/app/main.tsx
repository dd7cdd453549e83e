/**
 * The portal's frontend: Backstage's new frontend system with the catalog and Service Guard, and a sign-in
 * page that signs the visitor in as guest at once.
 */
import '@backstage/ui/css/styles.css';
import { ConfigReader } from '@backstage/config';
import { SignInPage } from '@backstage/core-components';
import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule, type FrontendFeature } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import serviceGuardPlugin from '@vigil/backstage-plugin-service-guard/alpha';
import ReactDOM from 'react-dom/client';

declare global {
  interface Window {
    /** Set by /portal-config.js, which the portal's server writes. */
    __PORTAL_CONFIG__?: Parameters<typeof ConfigReader.fromConfigs>[0][number]['data'];
  }
}

const guestSignIn = SignInPageBlueprint.make({
  params: {
    loader: async () => (props) => <SignInPage {...props} providers={['guest']} auto />,
  },
});

const app = createApp({
  features: [
    // Typed as CommonJS under NodeNext; Vite gives the plugin itself.
    catalogPlugin as unknown as FrontendFeature,
    serviceGuardPlugin,
    createFrontendModule({ pluginId: 'app', extensions: [guestSignIn] }),
  ],
  advanced: {
    configLoader: async () => ({
      config: ConfigReader.fromConfigs([{ context: 'portal', data: window.__PORTAL_CONFIG__ ?? {} }]),
    }),
  },
});

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
