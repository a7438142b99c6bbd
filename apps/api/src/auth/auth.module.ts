import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { OperatorSessions } from './operator-sessions';

@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeyAuthenticator, ApiKeysService, OperatorSessions, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeysService, ApiKeyAuthenticator, OperatorSessions],
})
export class AuthModule {}
