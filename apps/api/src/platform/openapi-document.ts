import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { DECORATORS, DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject, type OperationObject } from '@nestjs/swagger';
import { ACCESS_METADATA, type AccessRule } from '../auth/access.decorators';
import { OPERATOR_SESSION_COOKIE } from '../auth/operator-session-cookie';
import { USER_SESSION_COOKIE } from '../auth/user-session-cookie';
import { ApiErrorBody } from '../errors/api-error';

/** A route Nest serves, with what the guard reads to decide who may call it. */
export interface RegisteredRoute {
  operationId: string;
  method: string;
  /** Hidden from the reference on purpose (@ApiExcludeEndpoint / @ApiExcludeController). */
  excluded: boolean;
  access: AccessRule | undefined;
}

export const BEARER_SCHEME = 'bearer';
export const CODEC_SESSION_SCHEME = 'codec-session';
export const USER_SESSION_SCHEME = 'session';

/**
 * The OpenAPI document of the app. Who may call each route, and the refusals that follow from it (401, 403),
 * come from the same access metadata the guard enforces, so the reference cannot disagree with it; the
 * refusals of the body parser and validation (400, 413, 415) follow from the route taking input.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Custodian API')
      .setDescription(
        'Sensitive IT and compliance operations as durable workflows, per tenant. Every failure answers in one shape, ApiErrorBody ' +
          '(statusCode, code, message, details); clients branch on `code`. Each operation names who may call it in `x-required-roles` ' +
          '(tenant key roles, "operator", or none for public routes).',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A tenant (ck_…) or operator (co_…) API key' }, BEARER_SCHEME)
      .addCookieAuth(OPERATOR_SESSION_COOKIE, { type: 'apiKey', in: 'cookie', description: 'The operator session from POST /codec/session (codec routes only)' }, CODEC_SESSION_SCHEME)
      .addCookieAuth(
        USER_SESSION_COOKIE,
        { type: 'apiKey', in: 'cookie', description: "A person's session from POST /v1/auth/sign-in (tenant routes); POST, PUT, PATCH and DELETE also need its X-CSRF-Token header" },
        USER_SESSION_SCHEME,
      )
      .build(),
    { extraModels: [ApiErrorBody], operationIdFactory: (controller, method) => `${controller}_${method}` },
  );
  const operations = operationsById(document);
  for (const route of registeredRoutes(app)) {
    const operation = operations.get(route.operationId);
    if (!operation) continue;
    describeAccess(operation, route.access);
    describeInputRefusals(operation);
  }
  return document;
}

/** Every route the app's controllers declare, in the operationId form the document uses. */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const reflector = new Reflector();
  const routes: RegisteredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller || Reflect.getMetadata(PATH_METADATA, controller) === undefined) continue;
      const classExcluded = Reflect.getMetadata(DECORATORS.API_EXCLUDE_CONTROLLER, controller)?.[0] === true;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod].toLowerCase();
        routes.push({
          operationId: `${controller.name}_${name}`,
          method,
          excluded: classExcluded || Reflect.getMetadata(DECORATORS.API_EXCLUDE_ENDPOINT, handler)?.disable === true,
          access: reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [handler, controller]),
        });
      }
    }
  }
  return routes;
}

function operationsById(document: OpenAPIObject): Map<string, ExtensibleOperation> {
  const operations = new Map<string, ExtensibleOperation>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as unknown[]) {
      if (typeof operation === 'object' && operation !== null && 'operationId' in operation) {
        operations.set((operation as OperationObject).operationId!, operation as ExtensibleOperation);
      }
    }
  }
  return operations;
}

/** OpenAPI allows x- extensions on an operation; the library's type does not list them. */
type ExtensibleOperation = OperationObject & Record<`x-${string}`, unknown>;

function describeAccess(operation: ExtensibleOperation, rule: AccessRule | undefined): void {
  const text = accessText(rule);
  operation.description = [operation.description, `**Who may call:** ${text}.`].filter(Boolean).join('\n\n');
  if (rule?.kind === 'public') {
    operation['x-required-roles'] = [];
    operation.security = [];
    return;
  }
  operation['x-required-roles'] = !rule ? [] : rule.kind === 'operator' ? ['operator'] : [...rule.roles];
  operation.security = [
    { [BEARER_SCHEME]: [] },
    ...(rule?.kind === 'operator' && rule.allowCookie ? [{ [CODEC_SESSION_SCHEME]: [] }] : []),
    ...(rule?.kind === 'tenant' ? [{ [USER_SESSION_SCHEME]: [] }] : []),
  ];
  addRefusal(operation, 401, 'No credentials (Authorization: Bearer <key>), or ones that are invalid, revoked or expired', {
    statusCode: 401,
    code: 'unauthorized',
    message: 'missing API key: send "Authorization: Bearer <key>"',
  });
  addRefusal(operation, 403, `The key may not call this route: ${text}`, {
    statusCode: 403,
    code: 'forbidden',
    message: !rule ? 'this route is not open to any caller' : rule.kind === 'operator' ? 'this route needs an operator key' : `this route needs one of the roles: ${rule.roles.join(', ')}`,
  });
}

function accessText(rule: AccessRule | undefined): string {
  if (!rule) return 'nobody (the route declares no access rule, so the guard refuses every caller)';
  if (rule.kind === 'public') return 'anyone; no API key';
  if (rule.kind === 'operator') return rule.allowCookie ? 'a platform operator key (co_…), or an operator codec session cookie' : 'a platform operator key (co_…)';
  return `a caller of the tenant (such as a tenant API key, ck_…) with the role ${rule.roles.join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
}

function describeInputRefusals(operation: OperationObject): void {
  const takesBody = operation.requestBody !== undefined;
  const takesParameters = (operation.parameters ?? []).some((parameter) => 'in' in parameter && (parameter.in === 'query' || parameter.in === 'path'));
  if (takesBody || takesParameters) {
    addRefusal(operation, 400, 'A field or parameter is invalid (details names each one), or the body is not valid JSON', {
      statusCode: 400,
      code: 'validation_failed',
      message: 'property unknownField should not exist',
      details: [{ field: 'unknownField', problems: ['property unknownField should not exist'] }],
    });
  }
  if (takesBody) {
    addRefusal(operation, 413, 'The body is larger than API_BODY_LIMIT_BYTES', { statusCode: 413, code: 'payload_too_large', message: 'request body is too large' });
    addRefusal(operation, 415, "The body's Content-Type, charset or encoding is not one the API reads: send Content-Type: application/json", {
      statusCode: 415,
      code: 'unsupported_media_type',
      message: 'unsupported body encoding',
    });
  }
}

/** Adds a refusal in the uniform error shape (JSON, whatever the route produces otherwise), unless the route describes that status itself. */
function addRefusal(operation: OperationObject, status: number, description: string, example: Record<string, unknown>): void {
  if (operation.responses[status] !== undefined) return;
  operation.responses[status] = { description, content: { 'application/json': { schema: { $ref: getSchemaPath(ApiErrorBody) }, example } } };
}
