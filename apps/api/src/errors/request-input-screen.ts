import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error';

/** Deeper than any request body of this API; far short of what would exhaust a recursive walk later on. */
const MAX_INPUT_DEPTH = 32;

// Keys that reach an object's prototype instead of becoming a field: class-transformer assigns them without
// the whitelist ever seeing an unknown property, so they are refused here as the unknown fields they are.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Half of a UTF-16 surrogate pair without the other half (JSON may write one as "\ud800"): not text at all. The
// email and URL validators throw on it (a 500), and PostgreSQL would store U+FFFD in its place.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses, before any guard, pipe or handler sees the request, what every route must refuse and no DTO
 * can: a NUL character (PostgreSQL text and jsonb reject it), a lone surrogate, JSON nested deeper than MAX_INPUT_DEPTH
 * (recursive transformers and validators would overflow the stack) and prototype keys. Walks the parsed
 * body and query iteratively, so the walk itself cannot overflow; the path is checked in its encoded form.
 */
export function screenRequestInput(request: Request, response: Response, next: NextFunction): void {
  const refusal = findUnacceptableInput(request);
  if (!refusal) return next();
  response.status(refusal.getStatus()).json({ statusCode: refusal.getStatus(), code: refusal.code, message: refusal.message, details: refusal.details });
}

function findUnacceptableInput(request: Request): ApiError | undefined {
  if (/%00/i.test(request.path)) return refusal('path', 'the URL path must not contain a NUL character (%00)');
  return walk('query', request.query) ?? walk('body', request.body);
}

function walk(root: 'query' | 'body', value: unknown): ApiError | undefined {
  // Depth first, each object's fields pushed last to first: the first offending field in the request's order is named.
  const pending: { field: string; objectKey?: string; value: unknown; depth: number }[] = [{ field: root, value, depth: 0 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { field, objectKey, value: current, depth } = item;
    if (objectKey?.includes('\u0000')) return refusal(field, `the field name ${JSON.stringify(field)} contains a NUL character (\\u0000)`);
    if (objectKey !== undefined && PROTOTYPE_KEYS.has(objectKey)) return refusal(field, `property ${field} should not exist`);
    if (objectKey !== undefined && LONE_SURROGATE.test(objectKey)) return refusal(field, `the field name ${JSON.stringify(field)} is not well-formed Unicode (a lone surrogate)`);
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return refusal(field, `${field} must not contain a NUL character (\\u0000)`);
      if (LONE_SURROGATE.test(current)) return refusal(field, `${field} must be well-formed Unicode text (it holds a lone surrogate, such as \\ud800)`);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return refusal(field, `the ${root} is nested more than ${MAX_INPUT_DEPTH} levels deep`);
    const array = Array.isArray(current);
    for (const childKey of Object.keys(current).reverse()) {
      const child = array ? `${field}[${childKey}]` : depth === 0 ? childKey : `${field}.${childKey}`;
      pending.push({ field: child, objectKey: array ? undefined : childKey, value: (current as Record<string, unknown>)[childKey], depth: depth + 1 });
    }
  }
  return undefined;
}

function refusal(field: string, problem: string): ApiError {
  return new ApiError(400, 'validation_failed', problem, [{ field, problems: [problem] }]);
}
