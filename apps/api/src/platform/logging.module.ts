import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../../../../libs/config/app-config';
import { secretLogRedaction } from '../../../../libs/crypto/log-redaction';

/**
 * Structured request logs. Credentials never reach a log line: authorization headers, cookies and every
 * field that can carry a secret are censored before serialisation.
 */
@Module({})
export class LoggingModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            redact: secretLogRedaction,
            // Bodies are never logged: they may hold personal data. Nor query strings (OAuth codes and states),
            // nor the token of a one-time secret link.
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url.split('?')[0].replace(/^\/v1\/secrets\/[^/]+/, '/v1/secrets/[redacted]'),
              }),
            },
          },
        }),
      ],
    };
  }
}
