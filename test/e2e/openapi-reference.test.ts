import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import type { AccessRule } from '../../apps/api/src/auth/access.decorators';
import { registeredRoutes } from '../../apps/api/src/platform/openapi-document';
import { startTestApi, type TestApi } from '../support/test-api';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document is walked as untyped JSON
type Json = Record<string, any>;

/** Routes left out of the reference on purpose, each with why. None today: HTML pages are documented as text/html. */
const DELIBERATELY_HIDDEN: Record<string, string> = {};

const ERROR_SCHEMA = '#/components/schemas/ApiErrorBody';

/**
 * /docs is the reference client generators and readers rely on: every route Nest serves is in it, says what it
 * does and who may call it, shows its request and success bodies with a schema and an example, and lists the
 * refusals it can answer in the uniform error shape.
 */
describe('HTTP API: the OpenAPI reference at /docs', () => {
  let api: TestApi;
  let document: Json;
  let operations: { key: string; operationId: string; operation: Json }[];

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false });
    document = (await request(api.http).get('/docs/openapi.json').expect(200)).body;
    operations = Object.entries(document.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operationId: operation.operationId, operation })),
    );
  });
  afterAll(() => api.close());

  it('lists every route Nest serves, with its method, except the ones hidden on purpose', () => {
    const documented = new Map(operations.map(({ key, operationId }) => [operationId, key.split(' ')[0].toLowerCase()]));
    const routes = registeredRoutes(api.app);
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((route) => !route.excluded && documented.get(route.operationId) !== route.method).map((route) => `${route.method.toUpperCase()} ${route.operationId}`);
    expect(missing).toEqual([]);
    expect(routes.filter((route) => route.excluded).map((route) => route.operationId).sort()).toEqual(Object.keys(DELIBERATELY_HIDDEN).sort());
  });

  it('says who may call each route exactly as the guard decides it, with 401 and 403 on every route that needs a key', () => {
    const accessById = new Map(registeredRoutes(api.app).map((route) => [route.operationId, route.access]));
    const problems = operations.flatMap(({ key, operationId, operation }) => {
      const rule = accessById.get(operationId);
      const found: string[] = [];
      if (!rule) found.push(`${key}: declares no access rule (the guard refuses everyone)`);
      if (JSON.stringify(operation['x-required-roles']) !== JSON.stringify(requiredRoles(rule))) found.push(`${key}: x-required-roles ${JSON.stringify(operation['x-required-roles'])} is not ${JSON.stringify(requiredRoles(rule))}`);
      if (!/\*\*Who may call:\*\* \S/.test(operation.description ?? '')) found.push(`${key}: the description does not say who may call it`);
      if (rule?.kind === 'public') {
        if (JSON.stringify(operation.security) !== '[]') found.push(`${key}: public, but the document asks for credentials`);
      } else {
        if (!operation.security?.some((requirement: Json) => 'bearer' in requirement)) found.push(`${key}: needs a key, but names no bearer security`);
        for (const status of ['401', '403']) if (!isErrorResponse(operation.responses[status])) found.push(`${key}: no ${status} in the error shape`);
      }
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('describes each route, its request body and its success answer with a schema and an example', () => {
    const problems = operations.flatMap(({ key, operation }) => {
      const found: string[] = [];
      if (!operation.summary) found.push(`${key}: no summary`);
      const ownDescription = (operation.description ?? '').replace(/\*\*Who may call:\*\*[^\n]*/, '').trim();
      if (ownDescription.length < 20) found.push(`${key}: no description beyond who may call it`);
      if (operation.requestBody) {
        for (const [mediaType, content] of Object.entries(operation.requestBody.content ?? {}) as [string, Json][]) {
          if (!content.schema) found.push(`${key}: request body ${mediaType} has no schema`);
          else if (content.example === undefined && !exampled(content.schema) && mediaType !== 'multipart/form-data') found.push(`${key}: request body ${mediaType} has no example`);
        }
      }
      const successes = Object.entries(operation.responses as Json).filter(([status]) => /^2\d\d$/.test(status));
      if (successes.length === 0) found.push(`${key}: no success response`);
      for (const [status, response] of successes) {
        if (status === '204') continue;
        const contents = Object.entries(response.content ?? {}) as [string, Json][];
        if (contents.length === 0) found.push(`${key}: success ${status} has no body schema`);
        for (const [mediaType, content] of contents) {
          if (!content.schema || Object.keys(content.schema).length === 0) found.push(`${key}: success ${status} ${mediaType} has no schema`);
          // Bytes (a file) cannot be shown as an example; everything else can.
          else if (content.example === undefined && content.examples === undefined && content.schema.format !== 'binary' && !exampled(content.schema)) found.push(`${key}: success ${status} ${mediaType} has no example`);
        }
      }
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('lists 400 wherever a route takes input, and answers every failure in the one error shape', () => {
    const problems = operations.flatMap(({ key, operation }) => {
      const found: string[] = [];
      const takesInput = operation.requestBody !== undefined || (operation.parameters ?? []).some((parameter: Json) => parameter.in === 'query' || parameter.in === 'path');
      if (takesInput && !operation.responses['400']) found.push(`${key}: takes input but lists no 400`);
      if (operation.requestBody?.content?.['application/json'] && !(operation.responses['413'] && operation.responses['415'])) found.push(`${key}: takes a JSON body but lists no 413/415`);
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (/^[45]\d\d$/.test(status) && !isErrorResponse(response) && !(answersPagesOnly(operation) && isPage(response))) found.push(`${key}: ${status} is not in the error shape`);
        if (!response.description) found.push(`${key}: ${status} has no description`);
      }
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('is a valid OpenAPI 3.0 document in which every reference resolves, as client generators need', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('defines the error shape once, with an example of each field', () => {
    const schema = document.components.schemas.ApiErrorBody;
    expect(Object.keys(schema.properties).sort()).toEqual(['code', 'details', 'message', 'statusCode']);
    expect(exampled(schema)).toBe(true);
  });

  function requiredRoles(rule: AccessRule | undefined): string[] {
    if (!rule || rule.kind === 'public') return [];
    return rule.kind === 'operator' ? ['operator'] : [...rule.roles];
  }

  function isErrorResponse(response: Json | undefined): boolean {
    const json = response?.content?.['application/json'];
    return json?.schema?.$ref === ERROR_SCHEMA;
  }

  /** A route a person's browser lands on (an OAuth callback) succeeds and fails with pages. */
  function answersPagesOnly(operation: Json): boolean {
    const successes = Object.entries(operation.responses as Json).filter(([status]) => /^2\d\d$/.test(status));
    return successes.length > 0 && successes.every(([, response]) => Object.keys(response.content ?? {}).join() === 'text/html');
  }

  function isPage(response: Json): boolean {
    return Object.keys(response.content ?? {}).join() === 'text/html' && typeof response.content['text/html'].example === 'string';
  }

  /** A schema whose every leaf shows a value: an example, an enum or a constant, through references, arrays and compositions. */
  function exampled(schema: Json, seen = new Set<string>()): boolean {
    if (schema.example !== undefined || schema.enum !== undefined || schema.const !== undefined) return true;
    if (schema.$ref) {
      if (seen.has(schema.$ref)) return true;
      const name = String(schema.$ref).replace('#/components/schemas/', '');
      const target = document.components?.schemas?.[name];
      return target !== undefined && exampled(target, new Set([...seen, schema.$ref]));
    }
    for (const composition of ['allOf', 'oneOf', 'anyOf']) {
      if (schema[composition]) return (schema[composition] as Json[]).filter((part) => part.type !== 'null').every((part) => exampled(part, seen));
    }
    if (schema.type === 'array') return schema.items !== undefined && exampled(schema.items, seen);
    if (schema.properties) return Object.values(schema.properties as Json).every((property) => exampled(property, seen));
    return false;
  }
});
