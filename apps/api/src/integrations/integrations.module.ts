import { Module } from '@nestjs/common';
import { GoogleConnectController } from './google-connect.controller';
import { GoogleConnectService } from './google-connect.service';
import { googleOAuthProvider } from './google-oauth.provider';
import { IntegrationsController } from './integrations.controller';
import { OAuthConnectStates } from './oauth-connect-states';

@Module({
  controllers: [GoogleConnectController, IntegrationsController],
  providers: [GoogleConnectService, OAuthConnectStates, googleOAuthProvider],
})
export class IntegrationsModule {}
