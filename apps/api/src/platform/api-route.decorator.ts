import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import { ApiErrorBody } from '../errors/api-error';

/** A success answer: its schema (a response class whose properties carry examples, or a schema object) and an example. */
export interface RouteSuccess {
  status: number;
  description: string;
  type?: Type<unknown> | [Type<unknown>];
  schema?: SchemaObject;
  /** Required with a schema object; a response class carries its examples itself. */
  example?: unknown;
  /**
   * Media types other than JSON (a page, a file, an export), each with its example (none for bytes); with a
   * response class as well, JSON is offered besides them. The route's errors stay JSON.
   */
  media?: Record<string, unknown>;
}

/** A failure only this route answers; what every route answers (401, 403, 400, 413, 415) the document adds from the route's metadata. */
export interface RouteFailure {
  status: number;
  description: string;
  /** A route that answers a person's browser (an OAuth callback) fails with a page: an example of it. */
  page?: string;
}

export interface ApiRouteOptions {
  summary: string;
  description: string;
  success: RouteSuccess | RouteSuccess[];
  errors?: RouteFailure[];
}

/**
 * What the API reference says about one route, in one place: what it does, what it answers on success (with a
 * schema and an example) and the failures of its own, all in the uniform error shape. Who may call it is not
 * repeated here: buildOpenApiDocument reads it from the access decorator the guard enforces.
 */
export function ApiRoute(options: ApiRouteOptions): MethodDecorator {
  const successes = [options.success].flat();
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    ...successes.map((success) => ApiResponse(successResponse(success))),
    // A class named only by reference (beside other media types) must still reach the document's schemas.
    ...successes.flatMap((success) => (success.media && success.type ? [ApiExtraModels([success.type].flat()[0])] : [])),
    // Explicit content, so a route producing pages or files still documents its errors as the JSON they are.
    ...(options.errors ?? []).map((failure) =>
      ApiResponse({
        status: failure.status,
        description: failure.description,
        content: failure.page
          ? { 'text/html': { schema: { type: 'string' }, example: failure.page } }
          : { 'application/json': { schema: { $ref: getSchemaPath(ApiErrorBody) } } },
      }),
    ),
  );
}

function successResponse(success: RouteSuccess): Parameters<typeof ApiResponse>[0] {
  const example = success.example !== undefined ? { example: success.example } : {};
  if (success.media) {
    const schema = success.schema ?? { type: 'string' };
    const content = Object.entries(success.media).map(([type, mediaExample]) => [type, { schema, ...(mediaExample !== undefined ? { example: mediaExample } : {}) }]);
    const json = success.type ? [['application/json', { schema: { $ref: getSchemaPath([success.type].flat()[0]) } }]] : [];
    return { status: success.status, description: success.description, content: Object.fromEntries([...json, ...content]) };
  }
  return {
    status: success.status,
    description: success.description,
    ...(success.type ? { type: success.type } : {}),
    ...(success.schema ? { schema: success.schema } : {}),
    ...example,
  } as Parameters<typeof ApiResponse>[0];
}
