import { connectTenantToGoogle } from '../../test/support/google-workspace';
import { checkInvariants, awaitQuiescence, type InvariantReport } from './chaos-invariants';
import { planNeeds, planOperations, runOperation, type ChaosTenant } from './chaos-operations';
import { CHAOS_DOMAIN, chaosUserEmail, startChaosStack, type ChaosTarget } from './chaos-stack';

export interface ChaosOptions {
  operations: number;
  kills: number;
  /** Callers sending at once. */
  concurrency?: number;
  tenants?: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  report: InvariantReport;
  kills: { target: ChaosTarget; afterOperations: number; downMs: number }[];
  workerExits: number;
  loadSeconds: number;
  /** Accepted Google operations whose workflow had not closed when the wait for quiet ran out. */
  stillRunning: number;
}

const TARGETS: ChaosTarget[] = ['worker', 'temporal', 'postgres'];

/**
 * `operations` mixed requests through the real API while the worker, the Temporal server and PostgreSQL are
 * killed `kills` times at random (each kind at least once when kills >= 3), spread over the run; then, with
 * everything back, the invariants are checked.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const needs = planNeeds(options.operations);
  const stack = await startChaosStack({ users: needs.users, log });
  try {
    const newTenant = async (slug: string): Promise<ChaosTenant> => {
      const response = await fetch(`${stack.apiUrl}/v1/tenants`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${stack.api.operatorKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ slug: `${slug}-${Date.now().toString(36)}`, name: slug }),
      });
      if (response.status !== 201) throw new Error(`creating tenant ${slug}: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { tenant: { id: string }; adminApiKey: { key: string } };
      return { id: body.tenant.id, adminKey: body.adminApiKey.key };
    };
    const tenants: ChaosTenant[] = [];
    for (let index = 0; index < (options.tenants ?? 4); index++) {
      const tenant = await newTenant(`chaos-${index}`);
      await connectTenantToGoogle(stack.credentials, stack.google, tenant.id, CHAOS_DOMAIN);
      tenants.push(tenant);
    }
    const deletionTenants: ChaosTenant[] = [];
    for (let index = 0; index < needs.deletionTenants; index++) deletionTenants.push(await newTenant(`chaos-doomed-${index}`));
    const keys = new Map([...tenants, ...deletionTenants].map((tenant) => [tenant.id, tenant.adminKey]));

    const plan = planOperations(options.operations, tenants, deletionTenants, chaosUserEmail);
    log(`plan: ${plan.operations.length} operations in ${plan.groups.length} groups over ${tenants.length} tenants and ${deletionTenants.length} throwaway tenants`);

    const kills: ChaosResult['kills'] = [];
    const order = [...TARGETS].sort(() => Math.random() - 0.5);
    const killAt = Array.from({ length: options.kills }, (_, index) => Math.round(((index + 1) * plan.groups.length) / (options.kills + 1)));
    let finishedGroups = 0;
    let monkey = Promise.resolve();
    const started = Date.now();
    const queue = [...plan.groups];
    const caller = async () => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        await runOperation(group, { apiUrl: stack.apiUrl, keyOf: (tenantId) => keys.get(tenantId)!, giveUpAfterMs: 180_000 });
        finishedGroups += 1;
        if (killAt.length > 0 && finishedGroups >= killAt[0]) {
          killAt.shift();
          const target = kills.length < order.length ? order[kills.length] : TARGETS[Math.floor(Math.random() * TARGETS.length)];
          const downMs = 1_000 + Math.floor(Math.random() * 4_000);
          kills.push({ target, afterOperations: finishedGroups, downMs });
          // One kill at a time; the callers carry on meanwhile.
          monkey = monkey.then(async () => {
            log(`kill ${kills.length}: ${target} after ${finishedGroups} groups, down ${downMs} ms`);
            await stack.kill(target, downMs);
            log(`kill ${kills.length}: ${target} back`);
          });
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 10 }, caller));
    await monkey;
    const loadSeconds = (Date.now() - started) / 1000;
    log(`load done in ${loadSeconds.toFixed(1)} s; waiting for the workflows to settle`);

    const context = { db: stack.db, temporal: stack.api.temporal, google: stack.google };
    const stillRunning = await awaitQuiescence(context, plan.operations, 300_000);
    const report = await checkInvariants(context, plan.operations, [...tenants, ...deletionTenants].map((tenant) => tenant.id));
    return { report, kills, workerExits: stack.workerExits, loadSeconds, stillRunning };
  } finally {
    await stack.close();
  }
}
