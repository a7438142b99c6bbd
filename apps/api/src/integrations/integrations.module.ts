import { Module } from '@nestjs/common';
import { GoogleSsoOrgUnitsStore } from '../../../../libs/connectors/google/google-sso-org-units-store';
import { TenantScopedDatabase } from '../../../../libs/db';
import { JiraSyncModule } from '../jira-sync/jira-sync.module';
import { GoogleConnectController } from './google-connect.controller';
import { GoogleConnectService } from './google-connect.service';
import { googleOAuthProvider } from './google-oauth.provider';
import { GoogleSsoOrgUnitsController } from './google-sso-org-units.controller';
import { IntegrationsController } from './integrations.controller';
import { JiraConnectController } from './jira-connect.controller';
import { JiraConnectService } from './jira-connect.service';
import { JiraDisconnectController } from './jira-disconnect.controller';
import { JiraDisconnectService } from './jira-disconnect.service';
import { atlassianOAuthProvider, jiraSiteStoreProvider } from './jira-oauth.provider';
import { OAuthConnectStates } from './oauth-connect-states';

@Module({
  imports: [JiraSyncModule],
  controllers: [GoogleConnectController, GoogleSsoOrgUnitsController, JiraConnectController, JiraDisconnectController, IntegrationsController],
  providers: [
    GoogleConnectService,
    OAuthConnectStates,
    googleOAuthProvider,
    JiraConnectService,
    JiraDisconnectService,
    atlassianOAuthProvider,
    jiraSiteStoreProvider,
    { provide: GoogleSsoOrgUnitsStore, inject: [TenantScopedDatabase], useFactory: (db: TenantScopedDatabase) => new GoogleSsoOrgUnitsStore(db) },
  ],
})
export class IntegrationsModule {}
