import fc from 'fast-check';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document is walked as untyped JSON
type Json = Record<string, any>;

/** Values that exist only once the API runs (a real ticket, a real key): the request names them, the sender looks them up. */
export const KNOWN_VALUES = ['tenantId', 'ticketId', 'ticketRef', 'otherTenantTicketId', 'apiKeyId', 'securityReportRef'] as const;
export type KnownValue = (typeof KNOWN_VALUES)[number];
/** Literal text, or a value looked up when the request is sent. */
export type Text = string | { known: KnownValue };

/** Whose credentials the request carries (each a real key of its kind, a signed-in person's session, or a kind of bad credential). */
export const CALLERS = [
  'nobody',
  'person',
  'admin',
  'manager',
  'agent',
  'auditor',
  'otherTenantAdmin',
  'operator',
  'revokedKey',
  'unknownTenantKey',
  'unknownOperatorKey',
] as const;
export type Caller = (typeof CALLERS)[number];

/** A body as text or bytes; contentType, when given, is the request's Content-Type (a multipart body names its boundary there). */
export type RandomBody = ({ text: string } | { bytes: number[] }) & { contentType?: string };

/** One request, as data: fast-check prints it as the counterexample, and the same seed makes it again. */
export interface RandomApiRequest {
  /** The documented operation it was made from ("POST /v1/tickets"), or "undocumented". */
  operation: string;
  method: string;
  path: Text[];
  query: string;
  caller: Caller;
  /** Replaces the caller's Authorization header (a malformed one); the caller's key can be spliced in as {key}. */
  authorization?: string;
  headers: Record<string, string | string[]>;
  /** Bytes of one more header, X-Padding (up to past the server's 16 KB limit on all headers). */
  padding?: number;
  body?: RandomBody;
}

/** The documented operations of an OpenAPI document, with what the generators need of each. */
export interface DocumentedOperation {
  key: string;
  method: string;
  template: string;
  pathParameters: Json[];
  queryParameters: Json[];
  bodyExample?: unknown;
  /** Takes an upload (multipart/form-data). */
  multipart: boolean;
  /** Who may call it, from x-required-roles: tenant roles, "operator", or none (public). */
  requiredRoles: string[];
}

export function documentedOperations(document: Json): DocumentedOperation[] {
  return Object.entries(document.paths as Json).flatMap(([template, item]) =>
    Object.entries(item as Json).map(([method, operation]) => {
      const parameters = (operation.parameters ?? []) as Json[];
      const jsonBody = operation.requestBody?.content?.['application/json'];
      return {
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParameters: parameters.filter((parameter) => parameter.in === 'path'),
        queryParameters: parameters.filter((parameter) => parameter.in === 'query'),
        bodyExample: jsonBody ? (jsonBody.example ?? exampleOf(jsonBody.schema, document)) : undefined,
        multipart: operation.requestBody?.content?.['multipart/form-data'] !== undefined,
        requiredRoles: (operation['x-required-roles'] ?? []) as string[],
      };
    }),
  );
}

/** A value the schema accepts, from its examples and enums (the OpenAPI reference test keeps every leaf exampled). */
function exampleOf(schema: Json | undefined, document: Json, depth = 0): unknown {
  if (!schema || depth > 8) return null;
  if (schema.$ref) return exampleOf(document.components?.schemas?.[String(schema.$ref).replace('#/components/schemas/', '')], document, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  for (const composition of ['allOf', 'oneOf', 'anyOf']) {
    const parts = (schema[composition] as Json[] | undefined)?.filter((part) => part.type !== 'null');
    if (parts?.length) return exampleOf(parts[0], document, depth + 1);
  }
  if (schema.type === 'array') return [exampleOf(schema.items, document, depth + 1)];
  if (schema.properties) return Object.fromEntries(Object.entries(schema.properties as Json).map(([name, property]) => [name, exampleOf(property, document, depth + 1)]));
  return schema.type === 'string' ? 'text' : schema.type === 'boolean' ? true : schema.type === 'integer' || schema.type === 'number' ? 1 : null;
}

/** Paths the OpenAPI document does not list but the server answers (static pages, the document itself) or might. */
export const UNDOCUMENTED_PATHS = [
  '/',
  '/tenant',
  '/tenant/',
  '/tenant/index.html',
  '/tenant/tenant-page.js',
  '/tenant/tenant-page.css',
  '/tenant/%2e%2e/%2e%2e/package.json',
  '/tenant/..%2f..%2fpackage.json',
  '/tenant/%00',
  '/docs',
  '/docs/',
  '/docs/openapi.json',
  '/metrics',
  '/health/live',
  '/health/ready',
  '/favicon.ico',
  '/v1',
  '/v1/',
  '/v2/tickets',
];

const percentEncodeBytes = (bytes: Iterable<number>) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('');
// Lone surrogates become U+FFFD, as any UTF-8 encoder writes them; invalid UTF-8 proper comes from the byte generators.
const percentEncodeText = (text: string) => percentEncodeBytes(Buffer.from(text, 'utf8'));

const STRANGE_SEGMENTS = [
  '', '.', '..', '%2e%2e', '%2E', '%2f', '%2F..%2F..', '..%2f..%2f', '%5c', '%00', 'a%00b', '%', '%zz', '%e0%a4%a', '%FF%FE', '%C0%80', '%ED%A0%80',
  '0', '-0', '-1', '1e309', 'NaN', 'Infinity', 'null', 'undefined', 'true', '__proto__', 'constructor', 'prototype', 'google', 'jira', 'GOOGLE',
  'CT-000001', 'CT-0', 'CT-999999999999', 'ct-000001', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  ';', '%3B', '~', '%20', '%0A', '%0D%0A', '*', '%2A', ':id', '{id}', "'", '%27%20OR%201%3D1--',
];

const pathValue: fc.Arbitrary<Text> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KNOWN_VALUES).map((known): Text => ({ known })) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: fc.constantFrom(...STRANGE_SEGMENTS) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 5000 }).map((length) => 'a'.repeat(length)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }).map(percentEncodeText) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map(percentEncodeBytes) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{0,20}$/) },
);

const JSON_TEXTS = [
  'null', 'true', 'false', '0', '-0', '-1', '1.5', '1e309', '-1e309', '1e-400', '123456789012345678901234567890', '9007199254740993', '0.1e1',
  '""', '" "', '"NaN"', '"Infinity"', '"-0"', '"null"', '"undefined"', '[]', '{}', '[null]', '[[[]]]',
  '"1970-01-01T00:00:00Z"', '"9999-99-99"', '"2026-02-30T25:61:00Z"', '"+275760-09-13T00:00:00.001Z"',
  '"\\ud800"', '"\\udfff\\ud800"', '"a\\u0000b"', '"\\u202e\\u200b\\ufeff"', '"<script>alert(1)</script>"', '"\' OR 1=1 --"', '"${jndi:ldap://x}"',
  '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"prototype":1}', '{"toString":1,"valueOf":2,"hasOwnProperty":3}',
  '"a@b"', '"@"', '"jane@acme.example"', '"JANE@ACME.EXAMPLE "', '"jäne@äcme.example"',
];

/** JSON text of a value no field expects, or one at the edge of what it expects. */
const strangeJsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...JSON_TEXTS) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((text) => JSON.stringify(text)) },
  { weight: 1, arbitrary: fc.oneof(fc.double(), fc.bigInt()).map((value) => (typeof value === 'bigint' ? value.toString() : Number.isFinite(value) ? String(value) : 'null')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 30_000 }).map((length) => JSON.stringify('é'.repeat(length))) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 3000 }).map((length) => JSON.stringify(Array.from({ length }, (_, index) => index))) },
);

const FIELD_NAMES = ['__proto__', 'constructor', 'prototype', '', ' ', 'a\u0000', 'summary ', 'SUMMARY', 'id', 'tenantId', 'role', 'status', 'version', 'é', '\ud800'];

/** A JSON body: the documented example, or that example with one field broken, missing, doubled or added. */
function bodyFrom(example: unknown): fc.Arbitrary<string> {
  const fields = example !== null && typeof example === 'object' && !Array.isArray(example) ? Object.keys(example) : [];
  const render = (value: unknown) => JSON.stringify(value);
  const variants: fc.Arbitrary<string>[] = [fc.constant(render(example))];
  if (fields.length > 0) {
    const field = fc.constantFrom(...fields);
    const object = example as Record<string, unknown>;
    variants.push(
      fc.tuple(field, strangeJsonText).map(([name, text]) => spliceField(object, name, text)),
      fc.tuple(field, strangeJsonText).map(([name, text]) => spliceField(object, name, text)),
      field.map((name) => render(Object.fromEntries(Object.entries(object).filter(([key]) => key !== name)))),
      fc.tuple(field, strangeJsonText).map(([name, text]) => `${render(object).slice(0, -1)},${JSON.stringify(name)}:${text}}`),
      fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ unit: 'binary', maxLength: 12 })), strangeJsonText).map(
        ([name, text]) => `${render(object).slice(0, -1)},${JSON.stringify(name)}:${text}}`,
      ),
    );
  }
  variants.push(
    strangeJsonText,
    fc.constant(render(example)).map((text) => `[${text}]`),
    fc.tuple(fc.constant(render(example)), fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))),
  );
  return fc.oneof(...variants);
}

/** The example with one field's value replaced by raw JSON text (which JSON.stringify could not write: -0, 1e309, a lone surrogate). */
function spliceField(object: Record<string, unknown>, name: string, text: string): string {
  const marker = '\u0001spliced\u0001';
  return JSON.stringify({ ...object, [name]: marker }).replace(JSON.stringify(marker), text);
}

const rawBody: fc.Arbitrary<RandomBody> = fc.oneof(
  fc.string({ maxLength: 60 }).map((text) => ({ text })),
  fc.constantFrom('{', '}', '{"a":}', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', 'NaN', '\ufeff{}', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":01}', ' ', '\u0000').map((text) => ({ text })),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => ({ bytes: [...bytes] })),
  // A JSON string holding bytes that are not UTF-8: lone continuation bytes, overlong encodings, a surrogate half, a byte order mark of UTF-16.
  fc.constantFrom([0x80], [0xff, 0xfe], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]).map((bad) => ({
    bytes: [...Buffer.from('{"summary":"'), ...bad, ...Buffer.from('","requester":"jane@acme.example"}')],
  })),
  fc.integer({ min: 20_000, max: 80_000 }).map((length) => ({ text: JSON.stringify({ summary: 'x'.repeat(length) }) })),
);

const part = (headers: string, content: string) => `${headers}\r\n\r\n${content}\r\n`;
const FILE_PART = part('Content-Disposition: form-data; name="file"; filename="note.txt"\r\nContent-Type: text/plain', 'hello');

/** Uploads: a good one, and ones broken in each way a multipart parser can find (the boundary is always "B"). */
const multipartBody: fc.Arbitrary<RandomBody> = fc
  .oneof(
    fc.constantFrom(
      `--B\r\n${FILE_PART}--B--\r\n`,
      `--B\r\n${FILE_PART}`,
      `--B\r\n${FILE_PART.slice(0, 40)}`,
      '--B--\r\n',
      '',
      'not multipart at all',
      `--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n`,
      `--B\r\nGarbage header line\r\n\r\nx\r\n--B--\r\n`,
      `--B\r\n${part('Content-Disposition: form-data; name="other"; filename="a.txt"\r\nContent-Type: text/plain', 'x')}--B--\r\n`,
      `--B\r\n${part('Content-Disposition: form-data; name="field"', 'value')}--B--\r\n`,
      `--B\r\n${FILE_PART}--B\r\n${FILE_PART}--B--\r\n`,
      `--B\r\n${part('Content-Disposition: form-data; name="file"; filename="../../etc/passwd"\r\nContent-Type: text/plain', 'x')}--B--\r\n`,
      `--B\r\n${part('Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png', 'not a png')}--B--\r\n`,
      `--B\r\n${part('Content-Disposition: form-data; name="file"; filename="empty.txt"\r\nContent-Type: text/plain', '')}--B--\r\n`,
      `--B\r\n${part('Content-Disposition: form-data; name="file"; filename*=UTF-8\'\'%E2%82%AC%00.txt\r\nContent-Type: text/plain', 'x')}--B--\r\n`,
    ),
    fc.tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('text/plain', 'application/pdf', 'image/png', 'application/x-msdownload', '', 'text/plain; charset=utf-16')).map(
      ([filename, type]) => `--B\r\n${part(`Content-Disposition: form-data; name="file"; filename="${filename.replace(/["\r\n]/g, '')}"\r\nContent-Type: ${type}`, 'hello')}--B--\r\n`,
    ),
    fc.integer({ min: 10_000, max: 3_000_000 }).map((length) => `--B\r\n${part('Content-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain', 'x'.repeat(length))}--B--\r\n`),
  )
  .chain((text) =>
    fc.constantFrom('multipart/form-data; boundary=B', 'multipart/form-data; boundary=B', 'multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary=C').map((contentType) => ({ text, contentType })),
  );

const CONTENT_TYPES = [
  'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json; charset=latin1',
  'application/json; charset=utf-16', 'application/json; charset=bogus', 'application/json; boundary=x', 'application/merge-patch+json', 'application/vnd.api+json',
  'text/plain', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=xyz', 'multipart/mixed; boundary=x',
  'application/octet-stream', 'application/xml', '*/*', '', ';', 'json', 'application/', 'application/json, text/plain',
];
const ACCEPTS = ['application/json', 'text/html', 'text/html,application/xhtml+xml', '*/*', 'application/xml', 'text/csv', 'application/x-ndjson', 'image/png', 'garbage', '', 'application/json;q=0', '*/*;q=0'];
const AUTHORIZATIONS = [
  'Bearer', 'Bearer ', 'Bearer  ', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Digest x', 'bearer {key}', 'BEARER {key}', 'Bearer {key} extra', 'Bearer {key}x', 'Bearer\t{key}',
  'Bearer ck_', 'Bearer co_', 'Bearer ck_00000000000000000000000000000000_', 'Bearer ck_zz', 'Bearer {key}{key}', 'Bearer null', 'Bearer undefined', 'Token {key}',
];
const IDEMPOTENCY_KEYS = ['k-1', 'k-1', '', ' ', 'a'.repeat(200), 'a'.repeat(201), 'é', 'a b', 'a/b', 'a\tb', '0', '-0'];
const IF_MATCHES = ['*', '"1"', '"0"', '"-1"', 'W/"1"', '1', '"99999999999"', '"1", "2"', ',', '""', 'garbage', '"1e3"'];
const COOKIES = ['custodian_session=garbage', 'custodian_session=', 'custodian_codec_session=garbage', 'custodian_session=a; custodian_session=b', '=;=;', 'custodian_session="x"', 'a'.repeat(3000)];
const CONTENT_ENCODINGS = ['gzip', 'deflate', 'br', 'identity', 'bogus', 'gzip, gzip'];
const HEADER_VALUE = /^[\x20-\x7e\xa0-\xff]{0,64}$/;

/** Each header now and then: a request carries a few of them, so the refusal of one does not hide the others. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn = 8): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

const headerSet: fc.Arbitrary<Record<string, string | string[]>> = fc
  .record({
    // Most requests say their body is JSON, as clients do; now and then something else, or the type twice.
    'content-type': fc.oneof(
      { weight: 6, arbitrary: fc.constant<string | string[] | undefined>('application/json') },
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(...CONTENT_TYPES)).map(([one, two]) => [one, two]) },
    ),
    accept: sometimes(fc.constantFrom(...ACCEPTS), 3),
    'idempotency-key': sometimes(fc.oneof(fc.constantFrom(...IDEMPOTENCY_KEYS), fc.constant(['k-1', 'k-2']))),
    'if-match': sometimes(fc.constantFrom(...IF_MATCHES)),
    cookie: sometimes(fc.constantFrom(...COOKIES)),
    'content-encoding': sometimes(fc.constantFrom(...CONTENT_ENCODINGS), 15),
    'x-csrf-token': sometimes(fc.stringMatching(HEADER_VALUE), 15),
    'x-support-tenant': sometimes(fc.oneof(fc.constant('{tenantId}'), fc.uuid(), fc.stringMatching(HEADER_VALUE))),
    'x-forwarded-for': sometimes(fc.constantFrom('1.2.3.4', 'garbage', '::1, 10.0.0.1', ''), 15),
    range: sometimes(fc.constantFrom('bytes=0-0', 'bytes=garbage', 'bytes=5-1', 'bytes=0-1,2-3'), 15),
    'x-random': sometimes(fc.stringMatching(HEADER_VALUE), 15),
  })
  .map((headers) => Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)));

const paddingBytes = sometimes(fc.integer({ min: 1000, max: 20_000 }), 40);

const queryPart = (operation: DocumentedOperation | undefined): fc.Arbitrary<string> => {
  const documented = operation?.queryParameters.map((parameter) => String(parameter.name)) ?? [];
  const enumValues = operation?.queryParameters.flatMap((parameter) => (parameter.schema?.enum as string[] | undefined) ?? []) ?? [];
  const key = fc.oneof(
    ...(documented.length ? [{ weight: 4, arbitrary: fc.constantFrom(...documented) }] : []),
    { weight: 1, arbitrary: fc.constantFrom('__proto__', '__proto__[polluted]', 'constructor[prototype][polluted]', 'a[b][c][d][e][f][g][h]', 'limit[]', 'limit[a]', 'a[]', '') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }).map(percentEncodeText) },
  );
  const value = fc.oneof(
    ...(enumValues.length ? [{ weight: 2, arbitrary: fc.constantFrom(...enumValues) }] : []),
    { weight: 3, arbitrary: fc.constantFrom('', '0', '-0', '1', '-1', '1e309', '99999999999999999999', 'NaN', 'true', 'null', '%zz', '%FF', '%00', '%C0%80', '2026-01-01T00:00:00Z', '2026-13-45', 'CT-000001') },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map((length) => 'x'.repeat(length)) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }).map(percentEncodeText) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map(percentEncodeBytes) },
  );
  return fc.oneof(fc.tuple(key, value).map(([name, text]) => `${name}=${text}`), key);
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** A path: the template's, or the template bent (a trailing slash, a doubled slash, dot segments, extra segments). */
function pathOf(template: string): fc.Arbitrary<Text[]> {
  const pieces = template.split(/(\{[^}]+\})/).filter(Boolean);
  const filled = fc.tuple(...pieces.map((piece) => (piece.startsWith('{') ? pathValue : fc.constant<Text>(piece))));
  return fc.oneof(
    { weight: 8, arbitrary: filled },
    {
      weight: 2,
      arbitrary: fc.tuple(filled, fc.constantFrom('/', '//', '/.', '/..', '/%2e%2e', '/extra', '/../..', '?', '#x', '/%00', ';x')).map(([path, tail]) => [...path, tail]),
    },
    { weight: 1, arbitrary: filled.map((path) => path.map((piece) => (typeof piece === 'string' ? piece.toUpperCase() : piece))) },
    { weight: 1, arbitrary: filled.map((path) => path.map((piece) => (typeof piece === 'string' ? piece.replace(/\//g, '//') : piece))) },
  );
}

/** The real thing a path parameter names, where the route says which (a ticket, a key, a report), else a stranger. */
function plausiblePathValue(template: string, name: string): fc.Arbitrary<Text> {
  const known = (...values: KnownValue[]) => fc.constantFrom(...values).map((value): Text => ({ known: value }));
  if (/\/tickets\/\{id\}/.test(template) && name === 'id') return known('ticketId', 'ticketRef');
  if (name === 'ticketRef') return known('ticketRef');
  if (template.startsWith('/v1/security-reports/') && name === 'ref') return known('securityReportRef');
  if (name === 'tenantId') return known('tenantId');
  if (template.startsWith('/v1/api-keys/')) return known('apiKeyId');
  return fc.oneof(fc.uuid(), fc.constantFrom('google', 'jira', 'CT-000001'));
}

/** A caller the route lets in: a key of a role it names, an operator key, or nobody on a public route. */
function admittedCaller(operation: DocumentedOperation): fc.Arbitrary<Caller> {
  if (operation.requiredRoles.length === 0) return fc.constant('nobody');
  if (operation.requiredRoles.includes('operator')) return fc.constant('operator');
  const callers = CALLERS.filter((caller) => operation.requiredRoles.includes(caller));
  return fc.constantFrom(...(operation.requiredRoles.includes('admin') ? [...callers, 'person' as const] : callers));
}

/**
 * A request the route would accept but for at most one thing: the right caller, path and type, the documented
 * body with one field broken or none, one odd header or query parameter now and then. Requests wrong in many
 * ways at once are mostly refused at the first check; these get as far as the route's own code.
 */
function nearlyValidRequest(operation: DocumentedOperation): fc.Arbitrary<RandomApiRequest> {
  const pieces = operation.template.split(/(\{[^}]+\})/).filter(Boolean);
  return fc.record({
    operation: fc.constant(operation.key),
    method: fc.constant(operation.method),
    path: fc.tuple(...pieces.map((piece) => (piece.startsWith('{') ? plausiblePathValue(operation.template, piece.slice(1, -1)) : fc.constant<Text>(piece)))),
    query: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryPart(operation) }),
    caller: admittedCaller(operation),
    authorization: fc.constant(undefined),
    headers: fc.oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: headerSet.chain((headers) => (Object.keys(headers).length > 0 ? fc.constantFrom(...Object.keys(headers)).map((name) => ({ [name]: headers[name]! })) : fc.constant({}))) },
    ).map((headers): Record<string, string | string[]> => ({ 'content-type': 'application/json', ...headers })),
    padding: fc.constant(undefined),
    body: operation.multipart
      ? multipartBody
      : operation.bodyExample === undefined
        ? fc.constant(undefined)
        : bodyFrom(operation.bodyExample).map((text): RandomBody => ({ text })),
  });
}

/** Random and malformed requests at the documented operations and at paths the document does not list. */
export function randomApiRequest(operations: DocumentedOperation[]): fc.Arbitrary<RandomApiRequest> {
  const documented = fc.constantFrom(...operations).chain((operation) =>
    fc.record({
      operation: fc.constant(operation.key),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(operation.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      path: pathOf(operation.template),
      query: fc.array(queryPart(operation), { maxLength: 5 }).map((parts) => parts.join('&')),
      caller: fc.constantFrom(...CALLERS),
      authorization: sometimes(fc.constantFrom(...AUTHORIZATIONS)),
      headers: headerSet,
      padding: paddingBytes,
      // Nearly always a body where the route reads one; now and then one where it does not.
      body: fc.oneof(
        { weight: operation.bodyExample === undefined ? 3 : 1, arbitrary: fc.constant(undefined) },
        { weight: operation.multipart ? 12 : 1, arbitrary: multipartBody },
        { weight: operation.bodyExample === undefined ? 1 : 10, arbitrary: bodyFrom(operation.bodyExample ?? {}).map((text): RandomBody => ({ text })) },
        { weight: 1, arbitrary: rawBody },
      ),
    }),
  );
  const undocumented = fc.record({
    operation: fc.constant('undocumented'),
    method: fc.oneof({ weight: 4, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    path: fc.oneof(
      fc.constantFrom(...UNDOCUMENTED_PATHS).map((path): Text[] => [path]),
      fc.array(pathValue, { minLength: 1, maxLength: 4 }).map((segments): Text[] => ['/v1', ...segments.flatMap((segment): Text[] => ['/', segment])]),
    ),
    query: fc.array(queryPart(undefined), { maxLength: 3 }).map((parts) => parts.join('&')),
    caller: fc.constantFrom(...CALLERS),
    authorization: sometimes(fc.constantFrom(...AUTHORIZATIONS)),
    headers: headerSet,
    padding: paddingBytes,
    body: sometimes(rawBody, 4),
  });
  const nearlyValid = fc.constantFrom(...operations).chain(nearlyValidRequest);
  return fc.oneof({ weight: 8, arbitrary: documented }, { weight: 6, arbitrary: nearlyValid }, { weight: 1, arbitrary: undocumented });
}
