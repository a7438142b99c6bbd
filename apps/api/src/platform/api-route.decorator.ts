import { applyDecorators, type Type } from '@nestjs/common';
import { ApiOperation, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { ApiErrorBody } from '../errors/api-error';

/** A success answer: its schema (a response class whose properties carry examples, or a schema object) and an example. */
export interface RouteSuccess {
  status: number;
  description: string;
  type?: Type<unknown> | [Type<unknown>];
  schema?: SchemaObject;
  /** Required with a schema object or a body that is not JSON; a response class carries its examples itself. */
  example?: unknown;
}

/** A failure only this route answers; what every route answers (401, 403, 400, 413, 415) the document adds from the route's metadata. */
export interface RouteFailure {
  status: number;
  description: string;
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
    ...successes.map((success) =>
      ApiResponse({
        status: success.status,
        description: success.description,
        ...(success.type ? { type: success.type } : {}),
        ...(success.schema ? { schema: success.schema } : {}),
        ...(success.example !== undefined ? { example: success.example } : {}),
      } as Parameters<typeof ApiResponse>[0]),
    ),
    ...(options.errors ?? []).map((failure) => ApiResponse({ status: failure.status, description: failure.description, type: ApiErrorBody })),
  );
}
