// Service Guard is not named here: `app.packages: all` in app-config.yaml (create-app's default) makes the
// Backstage CLI discover it among packages/app's dependencies, as it does in an adopter's app.
import { SignInPage } from '@backstage/core-components';
import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import catalogPlugin from '@backstage/plugin-catalog/alpha';

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => (props) => <SignInPage {...props} providers={['guest']} />,
  },
});

export default createApp({
  features: [catalogPlugin, createFrontendModule({ pluginId: 'app', extensions: [signInPage] })],
});
