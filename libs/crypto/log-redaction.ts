/** Field names that hold credentials wherever they appear in a log object. */
export const SECRET_FIELD_NAMES = [
  'password',
  'newPassword',
  'temporaryPassword',
  'accessToken',
  'refreshToken',
  'idToken',
  'access_token',
  'refresh_token',
  'id_token',
  'clientSecret',
  'client_secret',
  'apiKey',
  'secret',
  'plaintextKey',
  'dataKey',
  'operatorKey',
] as const;

/** Request and response headers that carry credentials. */
const secretHeaderPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["idempotency-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.Authorization',
  'headers.cookie',
];

/**
 * pino `redact.paths`: each secret field at the top level and up to three objects (or array items) deep.
 * pino's wildcards match one level each, so the depths are spelled out.
 */
export const SECRET_LOG_REDACT_PATHS: readonly string[] = [
  ...secretHeaderPaths,
  ...SECRET_FIELD_NAMES.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`, `*[*].${field}`, `*.*[*].${field}`]),
];

/** Drop-in pino `redact` option. */
export const secretLogRedaction = { paths: [...SECRET_LOG_REDACT_PATHS], censor: '[redacted]' };
