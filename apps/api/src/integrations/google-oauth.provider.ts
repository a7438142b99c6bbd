import type { Provider } from '@nestjs/common';
import type { AppConfig } from '../../../../libs/config/app-config';
import { googleOAuthFromConfig } from '../../../../libs/connectors/google/google-oauth-from-config';
import { APP_CONFIG } from '../platform/platform.module';

/** Custodian's Google OAuth client, or null when GOOGLE_CLIENT_ID is not set. */
export const GOOGLE_OAUTH = Symbol('GOOGLE_OAUTH');

export const googleOAuthProvider: Provider = {
  provide: GOOGLE_OAUTH,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => googleOAuthFromConfig(config.google),
};
