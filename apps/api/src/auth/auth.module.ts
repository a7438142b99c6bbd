import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { TotpSecrets } from '../users/totp-secrets';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import { OperatorSessions } from './operator-sessions';
import { SignInController } from './sign-in.controller';
import { SignInService } from './sign-in.service';
import { SupportAccessController } from './support-access.controller';
import { SupportAccess } from './support-access.service';
import { UserSessions } from './user-sessions';

@Module({
  controllers: [ApiKeysController, SignInController, SupportAccessController],
  providers: [
    ApiKeyAuthenticator,
    ApiKeysService,
    OperatorSessions,
    UserSessions,
    SignInService,
    SupportAccess,
    TotpSecrets,
    ThrottlerStorageService,
    AuthThrottlerGuard,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [ApiKeysService, ApiKeyAuthenticator, OperatorSessions, UserSessions, TotpSecrets, ThrottlerStorageService, AuthThrottlerGuard],
})
export class AuthModule {}
