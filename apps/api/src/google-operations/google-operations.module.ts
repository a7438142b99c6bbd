import { Module } from '@nestjs/common';
import { OneTimeSecretsController } from '../secrets/one-time-secrets.controller';
import { AccessChangesController } from './access-changes.controller';
import { AccountUnlocksController } from './account-unlocks.controller';
import { GoogleOperationsService } from './google-operations.service';
import { PasswordResetsController } from './password-resets.controller';

@Module({
  controllers: [PasswordResetsController, AccountUnlocksController, AccessChangesController, OneTimeSecretsController],
  providers: [GoogleOperationsService],
})
export class GoogleOperationsModule {}
