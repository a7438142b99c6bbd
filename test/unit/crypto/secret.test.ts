import { format, inspect } from 'node:util';
import { Writable } from 'node:stream';
import pino from 'pino';
import { secretLogRedaction, SECRET_LOG_REDACT_PATHS } from '../../../libs/crypto/log-redaction';
import { Secret } from '../../../libs/crypto/secret';

const value = 'ya29.super-secret-token';

describe('Secret', () => {
  const secret = new Secret(value);

  it('gives the value only through reveal()', () => {
    expect(secret.reveal()).toBe(value);
  });

  it('never prints the value', () => {
    const renderings = [
      String(secret),
      `${secret}`,
      'token: ' + secret,
      JSON.stringify(secret),
      JSON.stringify({ credentials: { accessToken: secret } }),
      inspect(secret),
      inspect({ nested: [secret] }, { depth: 10, showHidden: true }),
      format('%s %o %O %j', secret, secret, secret, secret),
      format(secret),
      String([secret]),
      new Error(`refresh failed for ${secret}`).message,
      JSON.stringify({ ...secret }),
      JSON.stringify(structuredClone({ secret })),
      Object.keys(secret).join(','),
    ];
    for (const text of renderings) expect(text).not.toContain(value);
    expect(String(secret)).toBe('[redacted]');
    expect(JSON.stringify({ t: secret })).toBe('{"t":"[redacted]"}');
    expect(inspect(secret)).toBe('[redacted]');
  });

  it('prints redacted through console-like output', () => {
    const lines: string[] = [];
    const console = new globalThis.console.Console(new Writable({ write: (chunk, _, done) => (lines.push(String(chunk)), done()) }));
    console.log(secret);
    console.log('%s', secret);
    console.log({ secret });
    console.error('failed', secret);
    expect(lines.join('')).not.toContain(value);
    expect(lines.join('')).toContain('[redacted]');
  });

  it('refuses a non-string', () => {
    expect(() => new Secret(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('log redaction paths', () => {
  function logged(object: Record<string, unknown>): string {
    const lines: string[] = [];
    const logger = pino({ redact: secretLogRedaction }, new Writable({ write: (chunk, _, done) => (lines.push(String(chunk)), done()) }));
    logger.info(object, 'message');
    return lines.join('');
  }

  it('censors secret fields at the top level, nested and in arrays, and auth headers', () => {
    const line = logged({
      password: 'p1',
      temporaryPassword: 'p2',
      user: { accessToken: 'p3', profile: { refreshToken: 'p4', deeper: { clientSecret: 'p5' } } },
      integrations: [{ apiKey: 'p6' }],
      tokens: { list: [{ access_token: 'p7' }] },
      req: { headers: { authorization: 'Bearer p8', cookie: 'session=p9', 'x-api-key': 'p10' } },
      issue: { key: 'PROJ-1' },
    });
    for (let i = 1; i <= 10; i++) expect(line).not.toMatch(new RegExp(`\\bp${i}\\b`));
    expect(line).toContain('PROJ-1');
    expect(line).toContain('[redacted]');
  });

  it('is a list pino accepts', () => {
    expect(SECRET_LOG_REDACT_PATHS).toContain('*.refreshToken');
    expect(() => pino({ redact: { paths: [...SECRET_LOG_REDACT_PATHS] } })).not.toThrow();
  });
});
