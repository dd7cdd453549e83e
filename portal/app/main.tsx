/**
 * The portal's frontend: Backstage's new frontend system with the catalog and Service Guard, and a sign-in
 * page that signs the visitor in as guest at once.
 */
import './polyfills.ts';
import '@backstage/ui/css/styles.css';
import { ConfigReader } from '@backstage/config';
import { SignInPage } from '@backstage/core-components';
import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule, type FrontendFeature } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { CatalogTable } from '@backstage/plugin-catalog';
import catalogPlugin, { CatalogIndexPage } from '@backstage/plugin-catalog/alpha';
import serviceGuardPlugin, { createServiceGuardColumn } from '@vigil/backstage-plugin-service-guard/alpha';
import { type ComponentProps, useEffect, useRef } from 'react';
import ReactDOM from 'react-dom/client';

declare global {
  interface Window {
    /** Set by /portal-config.js, which the portal's server writes. */
    __PORTAL_CONFIG__?: Parameters<typeof ConfigReader.fromConfigs>[0][number]['data'];
  }
}

/**
 * Guest sign-in where pressing Enter signs in, as the docs say: Backstage's page only has an "Enter"
 * button, which the Enter key reaches only once it has focus. A key press that no focused control takes
 * (focus on the page itself) presses the button.
 */
function GuestSignIn(props: ComponentProps<typeof SignInPage>) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || event.defaultPrevented) return;
      const focused = document.activeElement;
      if (focused && focused !== document.body) return;
      const button = ref.current?.querySelector('button');
      if (!button) return;
      event.preventDefault();
      button.click();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
  return (
    <div ref={ref}>
      <SignInPage {...props} />
    </div>
  );
}

const guestSignIn = SignInPageBlueprint.make({
  params: {
    loader: async () => (props) => <GuestSignIn {...props} providers={['guest']} auto />,
  },
});

/** The catalog with a "Service Guard" column (the way docs/backstage.md tells apps to add it). */
const catalog = (
  catalogPlugin as unknown as typeof import('@backstage/plugin-catalog/alpha').default
).withOverrides({
  extensions: [
    (catalogPlugin as unknown as typeof import('@backstage/plugin-catalog/alpha').default)
      .getExtension('page:catalog')
      .override({
        params: {
          loader: async () => (
            <CatalogIndexPage
              columns={(ctx) => [
                ...CatalogTable.defaultColumnsFunc(ctx),
                createServiceGuardColumn() as never,
              ]}
            />
          ),
        },
      }),
  ],
});

const app = createApp({
  features: [
    // Typed as CommonJS under NodeNext; Vite gives the plugin itself.
    catalog as unknown as FrontendFeature,
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
