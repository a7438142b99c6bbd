import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { AppConfig } from '../../../../libs/config/app-config';
import { CredentialStore } from '../../../../libs/connectors/credential-store';
import { EnvelopeEncryption } from '../../../../libs/crypto/envelope-encryption';
import { TenantScopedDatabase } from '../../../../libs/db';
import { OneTimeSecretStore } from '../../../../libs/secrets/one-time-secret-store';
import { TicketAttachmentStore } from '../../../../libs/tickets/ticket-attachment-store';
import { ApiMetrics } from '../metrics/api-metrics';

export const APP_CONFIG = Symbol('APP_CONFIG');
export const PAYLOAD_CODEC = Symbol('PAYLOAD_CODEC');

export interface PlatformDependencies {
  config: AppConfig;
  db: TenantScopedDatabase;
  temporal: Client;
  /** The same codec the worker and the Temporal client use, for the codec server endpoint. */
  payloadCodec: PayloadCodec;
  /** Stored provider credentials, envelope-encrypted under the KMS key. */
  credentials: CredentialStore;
  /** Temporary passwords the worker sealed, shown once through the API. */
  secrets: OneTimeSecretStore;
  /** Ticket files, envelope-encrypted. */
  attachments: TicketAttachmentStore;
  /** Envelope encryption under the KMS key, for secrets the API seals itself (people's TOTP secrets). */
  encryption: EnvelopeEncryption;
  /** Prometheus metrics; the same instance counts the starts in the Temporal client (createApiTemporalClient). */
  metrics: ApiMetrics;
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
        { provide: PAYLOAD_CODEC, useValue: dependencies.payloadCodec },
        { provide: CredentialStore, useValue: dependencies.credentials },
        { provide: OneTimeSecretStore, useValue: dependencies.secrets },
        { provide: TicketAttachmentStore, useValue: dependencies.attachments },
        { provide: EnvelopeEncryption, useValue: dependencies.encryption },
        { provide: ApiMetrics, useValue: dependencies.metrics },
      ],
      exports: [APP_CONFIG, TenantScopedDatabase, Client, PAYLOAD_CODEC, CredentialStore, OneTimeSecretStore, TicketAttachmentStore, EnvelopeEncryption, ApiMetrics],
    };
  }
}
