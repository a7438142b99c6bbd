import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../../../../libs/config/app-config';
import { TenantScopedDatabase } from '../../../../libs/db';

export const APP_CONFIG = Symbol('APP_CONFIG');

export interface PlatformDependencies {
  config: AppConfig;
  db: TenantScopedDatabase;
  temporal: Client;
}

/** The outside systems every module uses, created (and closed) by whoever starts the API. */
@Global()
@Module({})
export class PlatformModule {
  static register(dependencies: PlatformDependencies): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: APP_CONFIG, useValue: dependencies.config },
        { provide: TenantScopedDatabase, useValue: dependencies.db },
        { provide: Client, useValue: dependencies.temporal },
      ],
      exports: [APP_CONFIG, TenantScopedDatabase, Client],
    };
  }
}
