import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error';

/** Deeper than any request body of this API; far short of what would exhaust a recursive walk later on. */
export const MAX_INPUT_DEPTH = 32;

// Keys that reach an object's prototype instead of becoming a field: class-transformer assigns them without
// the whitelist ever seeing an unknown property, so they are refused here as the unknown fields they are.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses, before any guard, pipe or handler sees the request, what every route must refuse and no DTO
 * can: a NUL character (PostgreSQL text and jsonb reject it), JSON nested deeper than MAX_INPUT_DEPTH
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
  const pending: { field: string; value: unknown; depth: number }[] = [{ field: '', value, depth: 0 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { field, value: current, depth } = item;
    const name = field || root;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return refusal(name, `${name} must not contain a NUL character (\\u0000)`);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return refusal(name, `the ${root} is nested more than ${MAX_INPUT_DEPTH} levels deep`);
    // Pushed last to first, so the first offending field in the request's own order is the one named.
    for (const key of Object.keys(current).reverse()) {
      const child = Array.isArray(current) ? `${name}[${key}]` : field ? `${field}.${key}` : key;
      if (key.includes('\u0000')) return refusal(field || root, `a field name in ${field || `the ${root}`} contains a NUL character (\\u0000)`);
      if (!Array.isArray(current) && PROTOTYPE_KEYS.has(key)) return refusal(child, `property ${child} should not exist`);
      pending.push({ field: child, value: (current as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}

function refusal(field: string, problem: string): ApiError {
  return new ApiError(400, 'validation_failed', problem, [{ field, problems: [problem] }]);
}
