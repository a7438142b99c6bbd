import type { Provider } from '@nestjs/common';
import type { AppConfig } from '../../../../libs/config/app-config';
import { atlassianOAuthFromConfig } from '../../../../libs/connectors/jira/atlassian-oauth-from-config';
import { JiraSiteStore } from '../../../../libs/connectors/jira/jira-site-store';
import { TenantScopedDatabase } from '../../../../libs/db';
import { APP_CONFIG } from '../platform/platform.module';

/** Custodian's Atlassian OAuth app, or null when JIRA_CLIENT_ID is not set. */
export const ATLASSIAN_OAUTH = Symbol('ATLASSIAN_OAUTH');

export const atlassianOAuthProvider: Provider = {
  provide: ATLASSIAN_OAUTH,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => atlassianOAuthFromConfig(config.jira),
};

export const jiraSiteStoreProvider: Provider = {
  provide: JiraSiteStore,
  inject: [TenantScopedDatabase],
  useFactory: (db: TenantScopedDatabase) => new JiraSiteStore(db),
};
