import { randomBytes } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import request from 'supertest';
import { totpCode, totpStep } from '../../apps/api/src/users/totp';
import { superuserConnection } from '../support/test-environment';
import { startTestApi, type TestApi } from '../support/test-api';

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const PASSWORD = 'plum-orbit-lantern-42';

interface Tenant {
  id: string;
  slug: string;
  adminKey: string;
}

interface Session {
  cookie: string;
  csrf: string;
  body: { user: { id: string; email: string; role: string; tenantId: string }; otpEnrolmentRequired: boolean };
}

/** Base32 (RFC 4648) back to bytes: what an authenticator app does with the otpauth URI's secret. */
function fromBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/**
 * People who sign in: invitations, Argon2id passwords, lockout at the 10th failure, one uniform refusal, sessions
 * with CSRF, TOTP without replay, deactivation and password change ending sessions, tenant isolation of
 * sessions, and time-boxed support access for operators. Each test signs in from its own client address (the
 * test's 127.0.0.1 is the trusted proxy) so the per-address rate limit of one test does not reach the next.
 */
describe('HTTP API: people, sign-in and sessions', () => {
  let api: TestApi;
  let db: PgClient;
  let nextAddress = 1;
  const newAddress = () => `198.51.100.${nextAddress++}`;

  beforeAll(async () => {
    api = await startTestApi({ withWorker: false, env: { TRUST_PROXY: 'loopback' } });
    db = await superuserConnection();
  });
  afterAll(async () => {
    await db?.end();
    await api?.close();
  });

  async function createTenant(): Promise<Tenant> {
    const slug = `people-${randomBytes(4).toString('hex')}`;
    const created = await request(api.http).post('/v1/tenants').set(bearer(api.operatorKey)).send({ slug, name: `People ${slug}` }).expect(201);
    return { id: created.body.tenant.id, slug, adminKey: created.body.adminApiKey.key };
  }

  async function invite(tenant: Tenant, email: string, role = 'admin'): Promise<{ id: string; token: string }> {
    const invited = await request(api.http).post('/v1/users/invitations').set(bearer(tenant.adminKey)).send({ email, displayName: email.split('@')[0], role }).expect(201);
    return { id: invited.body.user.id, token: invited.body.invitationToken };
  }

  async function person(tenant: Tenant, role = 'admin', password = PASSWORD): Promise<{ id: string; email: string }> {
    const email = `${role}-${randomBytes(3).toString('hex')}@people.example`;
    const { id, token } = await invite(tenant, email, role);
    await request(api.http).post('/v1/auth/invitations/accept').send({ token, password }).expect(200);
    return { id, email };
  }

  function attempt(body: Record<string, unknown>, address: string) {
    return request(api.http).post('/v1/auth/sign-in').set('X-Forwarded-For', address).send(body);
  }

  async function signIn(tenant: Tenant, email: string, password = PASSWORD, extra: Record<string, unknown> = {}, address = newAddress()): Promise<Session> {
    const response = await attempt({ tenant: tenant.slug, email, password, ...extra }, address).expect(200);
    const setCookie = response.headers['set-cookie']![0]!;
    return { cookie: setCookie.split(';')[0]!, csrf: response.body.csrfToken, body: response.body };
  }

  async function userStatus(tenant: Tenant, userId: string): Promise<string> {
    const users = await request(api.http).get('/v1/users').set(bearer(tenant.adminKey)).expect(200);
    return users.body.find((user: { id: string }) => user.id === userId).status;
  }

  async function auditActions(tenant: Tenant): Promise<Array<{ action: string; actor: string; details: Record<string, unknown> }>> {
    const events = await request(api.http).get('/v1/audit/events?limit=500').set(bearer(tenant.adminKey)).expect(200);
    return events.body;
  }

  it('sets the session cookie HttpOnly and SameSite=Strict, stores only its hash, and opens existing routes under the role rules', async () => {
    const tenant = await createTenant();
    const admin = await person(tenant, 'admin');
    const agent = await person(tenant, 'agent');
    const session = await signIn(tenant, admin.email);
    const response = await attempt({ tenant: tenant.slug, email: admin.email, password: PASSWORD }, newAddress()).expect(200);
    expect(response.headers['set-cookie']![0]).toMatch(/^custodian_session=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(response.text).not.toContain(response.headers['set-cookie']![0]!.split(';')[0]!.split('=')[1]);
    const token = session.cookie.split('=')[1]!;
    const stored = await db.query('SELECT count(*)::int AS n FROM tenant_user_sessions WHERE token_hash = sha256($1::bytea)', [Buffer.from(token)]);
    expect(stored.rows[0].n).toBe(1);

    const current = await request(api.http).get('/v1/tenant').set('Cookie', session.cookie).expect(200);
    expect(current.body.caller).toEqual({ keyName: admin.email, role: 'admin' });
    await request(api.http).get('/v1/users').set('Cookie', session.cookie).expect(200);
    const agentSession = await signIn(tenant, agent.email);
    const refused = await request(api.http).get('/v1/users').set('Cookie', agentSession.cookie).expect(403);
    expect(refused.body.code).toBe('forbidden');
    // API keys keep working alongside, and the reference says both are accepted.
    await request(api.http).get('/v1/users').set(bearer(tenant.adminKey)).expect(200);
    const reference = await request(api.http).get('/docs/openapi.json').expect(200);
    expect(reference.body.paths['/v1/users'].get.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(reference.body.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'custodian_session' });
    // The password hash is Argon2id, never the password.
    const hash = await db.query('SELECT password_hash FROM tenant_users WHERE id = $1', [admin.id]);
    expect(hash.rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses a state-changing request from a session without its CSRF token, or with another session\'s', async () => {
    const tenant = await createTenant();
    const admin = await person(tenant, 'admin');
    const session = await signIn(tenant, admin.email);
    const other = await signIn(tenant, admin.email);
    const body = { email: 'new@people.example', displayName: 'New', role: 'agent' };

    const missing = await request(api.http).post('/v1/users/invitations').set('Cookie', session.cookie).send(body).expect(403);
    expect(missing.body.code).toBe('csrf_failed');
    await request(api.http).post('/v1/users/invitations').set('Cookie', session.cookie).set('X-CSRF-Token', other.csrf).send(body).expect(403);
    await request(api.http).put('/v1/sign-in-policy').set('Cookie', session.cookie).send({ requireOtp: false }).expect(403);
    expect((await request(api.http).get('/v1/users').set(bearer(tenant.adminKey))).body).toHaveLength(1);

    await request(api.http).post('/v1/users/invitations').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf).send(body).expect(201);
    // After a reload the page gets the same token back from the session.
    const again = await request(api.http).get('/v1/auth/session').set('Cookie', session.cookie).expect(200);
    expect(again.body.csrfToken).toBe(session.csrf);
  });

  it('locks the account at exactly the 10th consecutive failure; the cool-down or an admin unlocks it', async () => {
    const tenant = await createTenant();
    const user = await person(tenant, 'agent');
    const address = newAddress();
    const wrong = { tenant: tenant.slug, email: user.email, password: 'not-the-password-1' };
    for (let failure = 1; failure <= 9; failure++) await attempt(wrong, address).expect(401);
    expect(await userStatus(tenant, user.id)).toBe('active');
    await attempt(wrong, address).expect(401);
    expect(await userStatus(tenant, user.id)).toBe('locked');
    // Locked: the right password is refused too, with the same answer.
    const locked = await attempt({ ...wrong, password: PASSWORD }, address).expect(401);
    expect(locked.body.code).toBe('unauthorized');
    const events = await auditActions(tenant);
    expect(events.filter((event) => event.action === 'auth.account_locked')).toHaveLength(1);
    expect(events.filter((event) => event.action === 'auth.sign_in_failed')).toHaveLength(11);
    expect(JSON.stringify(events)).not.toContain('not-the-password-1');
    expect(JSON.stringify(events)).not.toContain(PASSWORD);

    // The cool-down (15 minutes) elapsed: the right password works again and the count starts afresh.
    await db.query("UPDATE tenant_users SET locked_until = now() - interval '1 second' WHERE id = $1", [user.id]);
    await signIn(tenant, user.email, PASSWORD, {}, address);
    expect((await auditActions(tenant)).some((event) => event.action === 'auth.account_unlocked' && event.details.reason === 'cool_down_elapsed')).toBe(true);

    // Consecutive: a success resets the count, so 9 failures, a success and 9 more do not lock.
    // (Other accounts: the per-account rate limit allows 20 attempts a minute.)
    const steady = await person(tenant, 'agent');
    const wrongForSteady = { ...wrong, email: steady.email };
    for (let failure = 1; failure <= 9; failure++) await attempt(wrongForSteady, newAddress()).expect(401);
    await signIn(tenant, steady.email);
    for (let failure = 1; failure <= 9; failure++) await attempt(wrongForSteady, newAddress()).expect(401);
    expect(await userStatus(tenant, steady.id)).toBe('active');

    // An admin unlocks a locked account at once.
    const unlocked = await person(tenant, 'agent');
    for (let failure = 1; failure <= 10; failure++) await attempt({ ...wrong, email: unlocked.email }, newAddress()).expect(401);
    expect(await userStatus(tenant, unlocked.id)).toBe('locked');
    await request(api.http).post(`/v1/users/${unlocked.id}/unlock`).set(bearer(tenant.adminKey)).expect(200);
    await signIn(tenant, unlocked.email);
    expect((await auditActions(tenant)).some((event) => event.action === 'auth.account_unlocked' && event.details.reason === 'admin')).toBe(true);
  });

  it('answers a wrong password, an unknown email, an unknown tenant, a locked and a deactivated account alike, in similar time', async () => {
    const tenant = await createTenant();
    const user = await person(tenant, 'agent');
    const lockedUser = await person(tenant, 'agent');
    const deactivated = await person(tenant, 'agent');
    await db.query("UPDATE tenant_users SET locked_until = now() + interval '15 minutes', failed_sign_ins = 10 WHERE id = $1", [lockedUser.id]);
    await request(api.http).post(`/v1/users/${deactivated.id}/deactivation`).set(bearer(tenant.adminKey)).expect(200);
    const cases = {
      wrongPassword: { tenant: tenant.slug, email: user.email, password: 'not-the-password-2' },
      unknownEmail: { tenant: tenant.slug, email: 'nobody@people.example', password: 'not-the-password-2' },
      unknownTenant: { tenant: 'no-such-tenant', email: user.email, password: PASSWORD },
      locked: { tenant: tenant.slug, email: lockedUser.email, password: PASSWORD },
      deactivated: { tenant: tenant.slug, email: deactivated.email, password: PASSWORD },
    };
    const timings: Record<string, number[]> = {};
    const bodies = new Set<string>();
    for (let round = 0; round < 3; round++) {
      for (const [name, body] of Object.entries(cases)) {
        const started = process.hrtime.bigint();
        const response = await attempt(body, newAddress());
        (timings[name] ??= []).push(Number(process.hrtime.bigint() - started) / 1e6);
        expect(response.status).toBe(401);
        expect(response.headers['set-cookie']).toBeUndefined();
        bodies.add(response.text);
      }
    }
    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0]!)).toEqual({ statusCode: 401, code: 'unauthorized', message: expect.stringContaining('sign-in failed') });
    // Each case verifies one Argon2id hash (a dummy one when there is no account) and waits out the refusal floor.
    const medians = Object.values(timings).map((values) => [...values].sort((a, b) => a - b)[1]!);
    expect(Math.max(...medians) / Math.min(...medians)).toBeLessThan(3);
  });

  it('refuses a used TOTP code (replay), takes a recovery code once, and keeps the secret encrypted', async () => {
    const tenant = await createTenant();
    const user = await person(tenant, 'manager');
    const session = await signIn(tenant, user.email);
    const enrolment = await request(api.http).post('/v1/auth/otp/enrolment').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf).expect(201);
    expect(enrolment.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Custodian:/);
    expect(enrolment.body.qrCodeSvg).toMatch(/^<svg/);
    const secret = fromBase32(enrolment.body.secret);
    const stored = await db.query('SELECT totp_ciphertext FROM tenant_users WHERE id = $1', [user.id]);
    expect(stored.rows[0].totp_ciphertext).not.toContain(enrolment.body.secret);
    expect(stored.rows[0].totp_ciphertext).not.toContain(secret.toString('hex'));
    expect(stored.rows[0].totp_ciphertext).not.toContain(secret.toString('base64'));

    const step = totpStep(new Date());
    const confirmCode = totpCode(secret, step);
    const confirmed = await request(api.http).post('/v1/auth/otp/enrolment/confirm').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf).send({ code: confirmCode }).expect(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);

    const address = newAddress();
    const base = { tenant: tenant.slug, email: user.email, password: PASSWORD };
    const needsCode = await attempt(base, address).expect(401);
    expect(needsCode.body.code).toBe('otp_required');
    // The code that confirmed enrolment was used: it is refused within its window, with the uniform answer.
    const replay = await attempt({ ...base, otp: confirmCode }, address).expect(401);
    expect(replay.body.code).toBe('unauthorized');
    const nextCode = totpCode(secret, step + 1);
    await signIn(tenant, user.email, PASSWORD, { otp: nextCode }, address);
    await attempt({ ...base, otp: nextCode }, address).expect(401);

    const recovery = confirmed.body.recoveryCodes[0];
    await signIn(tenant, user.email, PASSWORD, { otp: recovery }, address);
    await attempt({ ...base, otp: recovery }, address).expect(401);
    const actions = (await auditActions(tenant)).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.otp_enabled', 'auth.recovery_code_used']));
    expect(JSON.stringify(await auditActions(tenant))).not.toContain(enrolment.body.secret);
  });

  it('starting OTP enrolment again (a lost QR code) replaces the secret: only the newest one confirms, under one data key', async () => {
    const tenant = await createTenant();
    const user = await person(tenant, 'agent');
    const session = await signIn(tenant, user.email);
    const enrol = () => request(api.http).post('/v1/auth/otp/enrolment').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf).expect(201);
    const first = fromBase32((await enrol()).body.secret);
    const second = fromBase32((await enrol()).body.secret);
    expect(second.equals(first)).toBe(false);
    const keys = await db.query('SELECT count(*)::int AS n FROM data_keys WHERE integration_id = $1', [user.id]);
    expect(keys.rows[0].n).toBe(1);
    const confirm = (secret: Buffer) =>
      request(api.http).post('/v1/auth/otp/enrolment/confirm').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf).send({ code: totpCode(secret, totpStep(new Date())) });
    expect((await confirm(first)).status).toBe(400);
    expect((await confirm(second)).status).toBe(200);
  });

  it('a tenant that requires OTP lets a person without it only enrol', async () => {
    const tenant = await createTenant();
    const user = await person(tenant, 'agent');
    await request(api.http).put('/v1/sign-in-policy').set(bearer(tenant.adminKey)).send({ requireOtp: true }).expect(200);
    const session = await signIn(tenant, user.email);
    expect(session.body.otpEnrolmentRequired).toBe(true);
    const refused = await request(api.http).get('/v1/tenant').set('Cookie', session.cookie).expect(403);
    expect(refused.body.code).toBe('otp_enrolment_required');
    await request(api.http).post('/v1/auth/otp/enrolment').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf).expect(201);
  });

  it('deactivating a person ends their sessions at once; changing the password ends every session of the account', async () => {
    const tenant = await createTenant();
    const admin = await person(tenant, 'admin');
    const agent = await person(tenant, 'agent');
    const adminSession = await signIn(tenant, admin.email);
    const agentSession = await signIn(tenant, agent.email);
    await request(api.http).get('/v1/tenant').set('Cookie', agentSession.cookie).expect(200);
    await request(api.http).post(`/v1/users/${agent.id}/deactivation`).set('Cookie', adminSession.cookie).set('X-CSRF-Token', adminSession.csrf).expect(200);
    await request(api.http).get('/v1/tenant').set('Cookie', agentSession.cookie).expect(401);
    await attempt({ tenant: tenant.slug, email: agent.email, password: PASSWORD }, newAddress()).expect(401);

    const elsewhere = await signIn(tenant, admin.email);
    const newPassword = 'quiet-harbour-violet-77';
    const changed = await request(api.http)
      .post('/v1/auth/password')
      .set('Cookie', adminSession.cookie)
      .set('X-CSRF-Token', adminSession.csrf)
      .send({ currentPassword: PASSWORD, newPassword })
      .expect(204);
    expect(changed.headers['set-cookie']![0]).toMatch(/^custodian_session=; .*Max-Age=0/);
    await request(api.http).get('/v1/tenant').set('Cookie', adminSession.cookie).expect(401);
    await request(api.http).get('/v1/tenant').set('Cookie', elsewhere.cookie).expect(401);
    await attempt({ tenant: tenant.slug, email: admin.email, password: PASSWORD }, newAddress()).expect(401);
    await signIn(tenant, admin.email, newPassword);
    expect((await auditActions(tenant)).map((event) => event.action)).toEqual(expect.arrayContaining(['user.deactivated', 'auth.password_changed']));

    // Sign-out ends the session too.
    const last = await signIn(tenant, admin.email, newPassword);
    await request(api.http).post('/v1/auth/sign-out').set('Cookie', last.cookie).expect(204);
    await request(api.http).get('/v1/tenant').set('Cookie', last.cookie).expect(401);
  });

  it('ends a session after 30 minutes without a request, and 12 hours after sign-in however active', async () => {
    const tenant = await createTenant();
    const user = await person(tenant, 'auditor');
    const idle = await signIn(tenant, user.email);
    const old = await signIn(tenant, user.email);
    const live = await signIn(tenant, user.email);
    const hashOf = (session: Session) => Buffer.from(session.cookie.split('=')[1]!);
    await db.query("UPDATE tenant_user_sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = sha256($1::bytea)", [hashOf(idle)]);
    await db.query("UPDATE tenant_user_sessions SET created_at = now() - interval '13 hours', expires_at = now() - interval '1 hour' WHERE token_hash = sha256($1::bytea)", [hashOf(old)]);
    await request(api.http).get('/v1/tenant').set('Cookie', idle.cookie).expect(401);
    await request(api.http).get('/v1/tenant').set('Cookie', old.cookie).expect(401);
    await request(api.http).get('/v1/tenant').set('Cookie', live.cookie).expect(200);
    // The next sign-in in the tenant sweeps the dead ones.
    await signIn(tenant, user.email);
    const left = await db.query('SELECT count(*)::int AS n FROM tenant_user_sessions WHERE user_id = $1', [user.id]);
    expect(left.rows[0].n).toBe(2);
  });

  it("a session works only in its own tenant: another tenant's id on it, or its password there, opens nothing", async () => {
    const first = await createTenant();
    const second = await createTenant();
    const shared = `shared-${randomBytes(3).toString('hex')}@people.example`;
    const inFirst = await invite(first, shared, 'admin');
    await request(api.http).post('/v1/auth/invitations/accept').send({ token: inFirst.token, password: PASSWORD }).expect(200);
    const inSecond = await invite(second, shared, 'admin');
    await request(api.http).post('/v1/auth/invitations/accept').send({ token: inSecond.token, password: 'other-tenant-password-9' }).expect(200);

    await attempt({ tenant: second.slug, email: shared, password: PASSWORD }, newAddress()).expect(401);
    const session = await signIn(first, shared);
    const users = await request(api.http).get('/v1/users').set('Cookie', session.cookie).expect(200);
    expect(users.body.map((user: { id: string }) => user.id)).toEqual([inFirst.id]);
    const secret = session.cookie.split('.')[1]!;
    await request(api.http).get('/v1/users').set('Cookie', `custodian_session=${second.id}.${secret}`).expect(401);
  });

  it('invitation links work once, expire after 72 hours, and refuse short or common passwords', async () => {
    const tenant = await createTenant();
    const { token } = await invite(tenant, 'invitee@people.example', 'auditor');
    const short = await request(api.http).post('/v1/auth/invitations/accept').send({ token, password: 'eleven-char' }).expect(400);
    expect(short.body.message).toContain('at least 12 characters');
    const common = await request(api.http).post('/v1/auth/invitations/accept').send({ token, password: 'PasswordPassword' }).expect(400);
    expect(common.body.message).toContain('commonly used');
    await request(api.http).post('/v1/auth/invitations/accept').send({ token, password: PASSWORD }).expect(200);
    const reused = await request(api.http).post('/v1/auth/invitations/accept').send({ token, password: 'another-good-passphrase' }).expect(400);
    expect(reused.body.message).toContain('already used');
    await signIn(tenant, 'invitee@people.example');

    const late = await invite(tenant, 'late@people.example', 'agent');
    expect(new Date((await db.query('SELECT expires_at FROM tenant_user_invitations WHERE user_id = $1', [late.id])).rows[0].expires_at).getTime() - Date.now()).toBeGreaterThan(71.9 * 3600 * 1000);
    await db.query("UPDATE tenant_user_invitations SET created_at = now() - interval '73 hours', expires_at = now() - interval '1 hour' WHERE user_id = $1", [late.id]);
    const expired = await request(api.http).post('/v1/auth/invitations/accept').send({ token: late.token, password: PASSWORD }).expect(400);
    expect(expired.body.message).toContain('expired');
    expect(await userStatus(tenant, late.id)).toBe('invited');
  });

  it('limits sign-in attempts per client address and per account', async () => {
    const tenant = await createTenant();
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await attempt({ tenant: tenant.slug, email: `x${i}@people.example`, password: 'whatever-it-is' }, address)).status);
    expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    expect(statuses[30]).toBe(429);

    const account = { tenant: tenant.slug, email: 'target@people.example', password: 'whatever-it-is' };
    const perAccount: number[] = [];
    for (let i = 0; i < 21; i++) perAccount.push((await attempt(account, newAddress())).status);
    expect(perAccount.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(perAccount[20]).toBe(429);
  });

  it("operator keys read a tenant's data only under a time-boxed support access grant that the tenant's audit trail and admins see", async () => {
    const tenant = await createTenant();
    const operator = bearer(api.operatorKey);
    await request(api.http).get('/v1/tenant').set(operator).expect(403);
    await request(api.http).get('/v1/tenant').set(operator).set('X-Support-Tenant', tenant.id).expect(403);
    // Platform routes keep working for operators.
    await request(api.http).post('/v1/tenants').set(operator).send({ slug: `people-${randomBytes(4).toString('hex')}`, name: 'Another' }).expect(201);

    await request(api.http).post('/v1/support-access').set(operator).send({ tenantId: tenant.id, reason: 'Ticket 42: stuck reset', minutes: 481 }).expect(400);
    await request(api.http).post('/v1/support-access').set(bearer(tenant.adminKey)).send({ tenantId: tenant.id, reason: 'Ticket 42: stuck reset', minutes: 30 }).expect(403);
    const grant = await request(api.http).post('/v1/support-access').set(operator).send({ tenantId: tenant.id, reason: 'Ticket 42: stuck reset', minutes: 30 }).expect(201);
    expect(new Date(grant.body.expiresAt).getTime() - new Date(grant.body.startsAt).getTime()).toBe(30 * 60 * 1000);

    const read = await request(api.http).get('/v1/tenant').set(operator).set('X-Support-Tenant', tenant.id).expect(200);
    expect(read.body.caller.role).toBe('auditor');
    // Read only: nothing an auditor may not do.
    await request(api.http).post('/v1/users/invitations').set(operator).set('X-Support-Tenant', tenant.id).send({ email: 'x@people.example', displayName: 'X', role: 'admin' }).expect(403);
    // Another tenant is not opened by this grant.
    const other = await createTenant();
    await request(api.http).get('/v1/tenant').set(operator).set('X-Support-Tenant', other.id).expect(403);

    const listed = await request(api.http).get('/v1/support-access').set(bearer(tenant.adminKey)).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ id: grant.body.id, reason: 'Ticket 42: stuck reset', active: true, expiresAt: grant.body.expiresAt })]);
    const granted = (await auditActions(tenant)).find((event) => event.action === 'support_access.granted');
    expect(granted).toMatchObject({ actor: expect.stringMatching(/^operator:/), details: { reason: 'Ticket 42: stuck reset', expiresAt: grant.body.expiresAt, startsAt: grant.body.startsAt } });

    // Past its time the grant opens nothing.
    await db.query("UPDATE support_access_grants SET starts_at = now() - interval '31 minutes', expires_at = now() - interval '1 minute' WHERE id = $1", [grant.body.id]);
    await request(api.http).get('/v1/tenant').set(operator).set('X-Support-Tenant', tenant.id).expect(403);

    // A tenant admin can end a grant early.
    const second = await request(api.http).post('/v1/support-access').set(operator).send({ tenantId: tenant.id, reason: 'Ticket 43: follow-up', minutes: 60 }).expect(201);
    await request(api.http).get('/v1/tenant').set(operator).set('X-Support-Tenant', tenant.id).expect(200);
    await request(api.http).delete(`/v1/support-access/${second.body.id}`).set(bearer(tenant.adminKey)).expect(200);
    await request(api.http).get('/v1/tenant').set(operator).set('X-Support-Tenant', tenant.id).expect(403);
    expect((await auditActions(tenant)).map((event) => event.action)).toContain('support_access.ended');
  });
});
