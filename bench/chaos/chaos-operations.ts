import { randomUUID } from 'node:crypto';

/** One thing a caller asked for, as the caller saw it: every answer, in order (0 = no answer at all). */
export interface OperationRecord {
  id: number;
  kind: 'ticket' | 'password_reset' | 'account_unlock' | 'deletion_request' | 'deletion_cancel';
  tenantId: string;
  idempotencyKey: string;
  userEmail?: string;
  answers: number[];
  /** accepted: a 2xx at last; refused: a 4xx at last; gave_up: only 5xx or silence until the caller's deadline. */
  outcome?: 'accepted' | 'refused' | 'gave_up';
  ticketRef?: string;
  /** The message of the 4xx that refused it. */
  refusal?: string;
}

export interface ChaosTenant {
  id: string;
  adminKey: string;
}

export interface OperationPlan {
  operations: OperationRecord[];
  /** Runs one operation (a deletion's cancel right after its request, by the same caller). */
  groups: OperationRecord[][];
}

/**
 * `count` operations: 40 % tickets, 25 % password resets, 25 % unlocks, 10 % deletions of throwaway tenants, half
 * of them cancelled. Resets go to users that are not suspended, unlocks to suspended ones, each user once, so
 * Google's record of every user can be judged on its own.
 */
export function planOperations(count: number, tenants: ChaosTenant[], deletionTenants: ChaosTenant[], userEmail: (index: number) => string): OperationPlan {
  const operations: OperationRecord[] = [];
  const groups: OperationRecord[][] = [];
  let resets = 0;
  let unlocks = 0;
  let deletions = 0;
  const add = (record: Omit<OperationRecord, 'id' | 'answers' | 'idempotencyKey'>): OperationRecord => {
    const full = { ...record, id: operations.length, answers: [], idempotencyKey: `chaos-${randomUUID()}` };
    operations.push(full);
    return full;
  };
  for (let index = 0; operations.length < count; index++) {
    const tenant = tenants[index % tenants.length];
    const slot = index % 20;
    if (slot < 8) groups.push([add({ kind: 'ticket', tenantId: tenant.id })]);
    else if (slot < 13) groups.push([add({ kind: 'password_reset', tenantId: tenant.id, userEmail: userEmail(2 * resets++) })]);
    else if (slot < 18) groups.push([add({ kind: 'account_unlock', tenantId: tenant.id, userEmail: userEmail(2 * unlocks++ + 1) })]);
    else if (deletions < deletionTenants.length) {
      const doomed = deletionTenants[deletions++];
      const group = [add({ kind: 'deletion_request', tenantId: doomed.id })];
      if (deletions % 2 === 0 && operations.length < count) group.push(add({ kind: 'deletion_cancel', tenantId: doomed.id }));
      groups.push(group);
    } else groups.push([add({ kind: 'ticket', tenantId: tenant.id })]);
  }
  return { operations, groups };
}

/** How many distinct users and throwaway tenants a plan of `count` operations needs. */
export function planNeeds(count: number): { users: number; deletionTenants: number } {
  return { users: Math.ceil(count / 2) + 4, deletionTenants: Math.ceil(count / 20) + 1 };
}

export interface CallerOptions {
  apiUrl: string;
  keyOf: (tenantId: string) => string;
  /** How long a caller keeps retrying one request through 5xx answers and silence. */
  giveUpAfterMs: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A well-behaved caller: every request carries an Idempotency-Key, and a 5xx or no answer is retried with the same
 * key (after a short, jittered pause) until an answer below 500 or the deadline.
 */
export async function runOperation(group: OperationRecord[], options: CallerOptions): Promise<void> {
  for (const operation of group) {
    const key = options.keyOf(operation.tenantId);
    const call = (method: string, path: string, idempotencyKey: string | undefined, body?: unknown) => send(operation, options, key, method, path, idempotencyKey, body);
    switch (operation.kind) {
      case 'ticket': {
        const ticket = await call('POST', '/v1/tickets', operation.idempotencyKey, { type: 'general', summary: `chaos ${operation.id}`, requester: 'chaos@chaos.example' });
        operation.ticketRef = (ticket as { ref?: string } | undefined)?.ref;
        break;
      }
      case 'password_reset':
      case 'account_unlock': {
        const type = operation.kind;
        const ticket = await call('POST', '/v1/tickets', operation.idempotencyKey, { type, summary: `${type} ${operation.id}`, requester: operation.userEmail });
        operation.ticketRef = (ticket as { ref?: string } | undefined)?.ref;
        if (!operation.ticketRef) break;
        const path = type === 'password_reset' ? '/v1/password-resets' : '/v1/account-unlocks';
        await call('POST', path, `${operation.idempotencyKey}:start`, { ticketRef: operation.ticketRef, userEmail: operation.userEmail });
        break;
      }
      case 'deletion_request':
        await call('POST', '/v1/tenant/deletion', undefined, { requesterEmail: 'owner@chaos.example' });
        break;
      case 'deletion_cancel':
        await call('DELETE', '/v1/tenant/deletion', undefined);
        break;
    }
  }
}

async function send(
  operation: OperationRecord,
  options: CallerOptions,
  apiKey: string,
  method: string,
  path: string,
  idempotencyKey: string | undefined,
  body?: unknown,
): Promise<unknown> {
  const deadline = Date.now() + options.giveUpAfterMs;
  for (;;) {
    let status: number;
    let answer: unknown;
    try {
      const response = await fetch(`${options.apiUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${apiKey}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      answer = await response.json().catch(() => undefined);
    } catch {
      status = 0;
    }
    operation.answers.push(status);
    if (status >= 200 && status < 300) {
      operation.outcome = 'accepted';
      return answer;
    }
    if (status >= 400 && status < 500) {
      operation.outcome = 'refused';
      operation.refusal = `${method} ${path}: ${(answer as { message?: string } | undefined)?.message ?? status}`;
      return undefined;
    }
    if (Date.now() > deadline) {
      operation.outcome = 'gave_up';
      return undefined;
    }
    await pause(300 + Math.random() * 1_200);
  }
}
