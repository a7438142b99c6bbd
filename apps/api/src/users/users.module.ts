import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AccountController } from './account.controller';
import { AccountSecurityService } from './account-security.service';
import { TenantUsersService } from './tenant-users.service';
import { UsersController } from './users.controller';

@Module({
  imports: [AuthModule],
  controllers: [UsersController, AccountController],
  providers: [TenantUsersService, AccountSecurityService],
})
export class UsersModule {}
