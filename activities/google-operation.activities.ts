import { ApplicationFailure, Context } from '@temporalio/activity';
import { appendAuditEvent, appendAuditEventOnce } from '../libs/audit';
import type { GoogleDirectoryProvider } from '../libs/connectors/google/google-directory-provider';
import type { GoogleDirectoryConnector } from '../libs/connectors/google/google-directory.connector';
import { GoogleConnectorError } from '../libs/connectors/google/google-errors';
import { GoogleSsoOrgUnitsStore } from '../libs/connectors/google/google-sso-org-units-store';
import type { TenantSsoOrgUnits } from '../libs/connectors/google/tenant-sso-org-units';
import {
  GOOGLE_OPERATION_REFUSED,
  type GoogleOperationActivities,
  type GoogleOperationAuditEvent,
  type GoogleOperationInput,
  type GoogleOperationRecord,
  type GoogleSignIn,
  type TicketOutcome,
} from '../libs/contracts';
import type { TenantScopedDatabase } from '../libs/db';
import { recordGoogleOperation } from '../libs/google-operations/google-operation-records';
import type { OneTimeSecretStore } from '../libs/secrets/one-time-secret-store';
import { generateTemporaryPassword } from '../libs/secrets/temporary-password';
import { activityFailureOf, auditedGoogleCall, auditGoogleOperationStep } from './google-call';

export interface GoogleOperationActivityDependencies {
  db: TenantScopedDatabase;
  google: GoogleDirectoryProvider;
  secrets: OneTimeSecretStore;
}

const TEMPORARY_PASSWORD_PURPOSE = 'google-temporary-password';
/** Well inside the workflows' 10-second heartbeat timeout. */
const HEARTBEAT_INTERVAL_MS = 2_000;

/**
 * The Google Workspace operations, one Directory call (or one idempotent group of calls) per activity, each
 * audited. The temporary password is generated and used here, sealed as a one-time secret keyed by the
 * workflow: it never reaches workflow history, and a retried attempt finds the same secret instead of making
 * a second password.
 */
export function createGoogleOperationActivities({ db, google, secrets }: GoogleOperationActivityDependencies): GoogleOperationActivities {
  const ssoOrgUnits = new GoogleSsoOrgUnitsStore(db);

  /** The tenant's connector, after refusing a user outside the tenant's Workspace domain. */
  async function directoryFor(input: GoogleOperationInput): Promise<GoogleDirectoryConnector> {
    let connection;
    try {
      connection = await google.directoryFor(input.tenantId);
    } catch (error) {
      if (error instanceof GoogleConnectorError) throw activityFailureOf(error);
      throw error;
    }
    const userDomain = input.userEmail.split('@')[1]?.toLowerCase();
    if (userDomain !== connection.domain.toLowerCase()) {
      throw ApplicationFailure.create({
        type: GOOGLE_OPERATION_REFUSED,
        message: `${input.userEmail} is not in this tenant's Google Workspace domain (${connection.domain})`,
        nonRetryable: true,
      });
    }
    return connection.directory;
  }

  const googleCalls: Omit<GoogleOperationActivities, 'recordTicketOutcome' | 'auditGoogleOperation' | 'recordGoogleOperation'> = {
    async lookUpGoogleUser(input) {
      const directory = await directoryFor(input);
      const { user } = await auditedGoogleCall(db, input, 'google.user.looked_up', () => directory.getUser(input.userEmail), ({ user }) => ({
        isAdmin: user.isAdmin,
        isDelegatedAdmin: user.isDelegatedAdmin,
        suspended: user.suspended,
        orgUnitPath: user.orgUnitPath,
      }));
      if (user.primaryEmail.toLowerCase() !== input.userEmail.toLowerCase()) {
        // An alias resolves to its user; acting on someone other than the ticket named would be a surprise.
        throw ApplicationFailure.create({
          type: GOOGLE_OPERATION_REFUSED,
          message: `${input.userEmail} is an alias of ${user.primaryEmail}; the ticket must name the primary address`,
          nonRetryable: true,
        });
      }
      return {
        primaryEmail: user.primaryEmail,
        isAdmin: user.isAdmin,
        isDelegatedAdmin: user.isDelegatedAdmin,
        suspended: user.suspended,
        suspensionReason: user.suspensionReason,
        orgUnitPath: user.orgUnitPath,
        signIn: signInOf(await ssoOrgUnits.layoutOf(input.tenantId), user.orgUnitPath),
      };
    },

    async setTemporaryPassword(input) {
      const directory = await directoryFor(input);
      const secret = await secrets.obtain(input.tenantId, input.workflowId, TEMPORARY_PASSWORD_PURPOSE, input.userEmail, generateTemporaryPassword);
      if (secret.appliedAt) return { secretId: secret.id };
      if (!secret.created) {
        // A retry: the secret's creation marked the first attempt; each later one leaves its own trace before
        // Google is asked, so even an attempt whose worker dies mid-call is on record.
        await auditGoogleOperationStep(db, input, 'google.user.password_set_attempted', 'pending', { secretId: secret.id, attempt: Context.current().info.attempt });
      }
      // A crash after Google accepted the password but before it is marked applied sends this same password
      // again: Google then holds one password, never a second one.
      await auditedGoogleCall(
        db,
        input,
        'google.user.password_set',
        () => directory.setPassword(input.userEmail, secret.value),
        () => ({ changePasswordAtNextLogin: true, secretId: secret.id }),
        (tx, { requestId }) => secrets.markApplied(tx, secret.id, requestId),
      );
      return { secretId: secret.id };
    },

    async signOutGoogleUser(input) {
      const directory = await directoryFor(input);
      await auditedGoogleCall(db, input, 'google.user.signed_out', () => directory.signOut(input.userEmail));
    },

    async suspendGoogleUser(input) {
      const directory = await directoryFor(input);
      await auditedGoogleCall(db, input, 'google.user.suspended', () => directory.suspend(input.userEmail));
    },

    async unsuspendGoogleUser(input) {
      const directory = await directoryFor(input);
      const { user } = await auditedGoogleCall(db, input, 'google.user.looked_up', () => directory.getUser(input.userEmail), ({ user }) => ({
        suspended: user.suspended,
        suspensionReason: user.suspensionReason,
      }));
      if (!user.suspended) {
        // The workflow saw the user suspended: an interrupted earlier attempt's unsuspend took effect at Google and
        // its worker died before the success event. The trail gets that event now, unless the attempt wrote it.
        if (Context.current().info.attempt > 1) await recordUnsuspendOfInterruptedAttempt(db, input);
        return;
      }
      if (user.suspensionReason === 'ABUSE') {
        await auditGoogleOperationStep(db, input, 'google.user.unsuspend_refused', 'failure', { suspensionReason: 'ABUSE' });
        throw ApplicationFailure.create({
          type: GOOGLE_OPERATION_REFUSED,
          message: `${input.userEmail} was suspended by Google for abuse; only Google's review can lift it`,
          nonRetryable: true,
        });
      }
      await auditedGoogleCall(db, input, 'google.user.unsuspended', () => directory.unsuspend(input.userEmail), () => ({
        suspensionReason: user.suspensionReason,
      }));
    },

    async revokeGoogleAppAccess(input) {
      const directory = await directoryFor(input);
      const { tokens } = await auditedGoogleCall(db, input, 'google.user.grants_listed', () => directory.listTokens(input.userEmail), ({ tokens }) => ({ count: tokens.length }));
      for (const token of tokens) {
        await auditedGoogleCall(db, input, 'google.user.grant_revoked', () => directory.revokeToken(input.userEmail, token.clientId).catch(alreadyGone), () => ({
          clientId: token.clientId,
          app: token.displayText,
        }));
      }
      const { asps } = await auditedGoogleCall(db, input, 'google.user.app_passwords_listed', () => directory.listAsps(input.userEmail), ({ asps }) => ({ count: asps.length }));
      for (const asp of asps) {
        await auditedGoogleCall(db, input, 'google.user.app_password_revoked', () => directory.deleteAsp(input.userEmail, asp.codeId).catch(alreadyGone), () => ({
          codeId: asp.codeId,
          name: asp.name,
        }));
      }
      return { grantsRevoked: tokens.length, appPasswordsRevoked: asps.length };
    },
  };

  return {
    ...heartbeating(googleCalls),

    async recordTicketOutcome(outcome: TicketOutcome) {
      await db.withTenant(outcome.tenantId, async (tx) => {
        const ticket = await tx.ticket.findUnique({ where: { tenantId_ref: { tenantId: outcome.tenantId, ref: outcome.ticketRef } } });
        if (!ticket) throw ApplicationFailure.nonRetryable(`ticket ${outcome.ticketRef} does not exist`, 'TicketNotFound');
        // Whether or not the comment is new (another operation of the ticket may have left the same status), this
        // operation's state is its own.
        if (outcome.record) await recordGoogleOperation(tx, outcome.record);
        const dedupeKey = `${outcome.ticketRef}/${outcome.status}`;
        const written = await tx.ticketComment.createMany({
          data: [{ tenantId: outcome.tenantId, ticketId: ticket.id, author: outcome.author, body: outcome.comment, dedupeKey }],
          skipDuplicates: true,
        });
        if (written.count === 0) return;
        await tx.ticket.update({ where: { id: ticket.id }, data: { status: outcome.status, updatedAt: new Date() } });
        await appendAuditEvent(tx, outcome.tenantId, {
          actor: outcome.author,
          action: `ticket.${outcome.status}`,
          target: outcome.ticketRef,
          outcome: 'success',
          details: { from: ticket.status },
        });
      });
    },

    async auditGoogleOperation(event: GoogleOperationAuditEvent) {
      await db.withTenant(event.tenantId, async (tx) => {
        await appendAuditEventOnce(tx, event.tenantId, event.eventKey, {
          actor: event.actor,
          action: event.action,
          target: event.userEmail,
          outcome: event.outcome,
          details: { ticketRef: event.ticketRef, ...event.details },
        });
        if (event.record) await recordGoogleOperation(tx, event.record);
      });
    },

    async recordGoogleOperation(record: GoogleOperationRecord) {
      await db.withTenant(record.tenantId, (tx) => recordGoogleOperation(tx, record));
    },
  };
}

/**
 * Each call heartbeats while Google works on it, so the workflow's short heartbeat timeout notices a worker
 * that died mid-call within seconds, instead of waiting out the whole start-to-close timeout.
 */
function heartbeating<T extends Record<string, (input: never) => Promise<unknown>>>(calls: T): T {
  const wrapped = Object.entries(calls).map(([name, call]) => [
    name,
    async (input: never) => {
      // No heartbeat up front: the timeout already runs from the start, and most calls end long before the first.
      const context = Context.current();
      const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
      try {
        return await call(input);
      } finally {
        clearInterval(timer);
      }
    },
  ]);
  return Object.fromEntries(wrapped) as T;
}

/** Whether the user's org unit signs in through the tenant's IdP, by the tenant's declaration (none: not known). */
function signInOf(layout: TenantSsoOrgUnits | undefined, orgUnitPath: string): GoogleSignIn {
  if (!layout) return 'undeclared';
  return layout.coversOrgUnit(orgUnitPath) ? 'sso' : 'google';
}

/** A grant or app password that is already gone (a retry after a partial run) counts as revoked. */
function alreadyGone(error: unknown): { requestId: null } {
  if (error instanceof GoogleConnectorError && error.type === 'GoogleUserNotFound') return { requestId: null };
  throw error;
}

async function recordUnsuspendOfInterruptedAttempt(db: TenantScopedDatabase, input: GoogleOperationInput): Promise<void> {
  await db.withTenant(input.tenantId, async (tx) => {
    const [recorded] = await tx.$queryRaw<{ events: bigint }[]>`
      SELECT count(*) AS events FROM audit_events
      WHERE action = 'google.user.unsuspended' AND outcome = 'success' AND target = ${input.userEmail} AND details ->> 'ticketRef' = ${input.ticketRef}`;
    if (Number(recorded?.events ?? 0) > 0) return;
    await appendAuditEvent(tx, input.tenantId, {
      actor: input.requestedBy,
      action: 'google.user.unsuspended',
      target: input.userEmail,
      outcome: 'success',
      details: { ticketRef: input.ticketRef, seenAfterInterruptedAttempt: true },
    });
  });
}
