import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { codecCors } from './codec/codec-cors';
import { ApiExceptionFilter, asBodyParserError } from './errors/api-exception.filter';
import { requireJsonBodies } from './errors/json-content-type';
import { screenRequestInput } from './errors/request-input-screen';
import { answerUnparsableRequests } from './errors/unparsable-request';
import { createValidationPipe } from './errors/validation-pipe';
import { httpRequestMetrics } from './metrics/http-request-metrics';
import { buildOpenApiDocument } from './platform/openapi-document';
import { serveTenantPage } from './tenant-page/serve-tenant-page';
import type { PlatformDependencies } from './platform/platform.module';

/**
 * The whole HTTP surface over given dependencies; main.ts and the e2e tests both build it here. extraModules
 * mount more routes behind the same guards, pipes and filters (bench:api's bare authenticated route).
 */
export async function createApiApp(dependencies: PlatformDependencies, options: { extraModules?: Type[] } = {}): Promise<INestApplication> {
  const root = AppModule.register(dependencies);
  const app = await NestFactory.create<NestExpressApplication>({ ...root, imports: [...(root.imports ?? []), ...(options.extraModules ?? [])] }, {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // request.ip (the report form's rate limit, the audit of secret links) is the client's address only through
  // the proxies TRUST_PROXY names; anyone else's X-Forwarded-For is ignored.
  app.set('trust proxy', dependencies.config.api.trustProxy);
  // First, so refusals by the body parser and the guards are timed too.
  app.use(httpRequestMetrics(dependencies.metrics));
  app.useBodyParser('json', { limit: dependencies.config.api.bodyLimitBytes, strict: true });
  // Body-parser failures happen before Nest's filters see the request: answer them in the same shape.
  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    const body = asBodyParserError(error);
    if (!body) return next(error);
    response.status(body.statusCode).json(body);
  });
  app.use(requireJsonBodies);
  app.use(screenRequestInput);
  // Only the Temporal Web UI's origin may call in from a browser, and only the codec endpoint, with its cookie.
  app.enableCors(codecCors(dependencies.config.api.codecCorsOrigins));
  serveTenantPage(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  answerUnparsableRequests(app.getHttpServer());
  app.enableShutdownHooks();

  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
