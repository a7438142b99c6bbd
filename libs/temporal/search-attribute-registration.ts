import type { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { CUSTODIAN_SEARCH_ATTRIBUTE_KEYS } from '../contracts/search-attributes';

const ATTEMPT_INTERVAL_MS = 2_000;

/**
 * The worker's check at start: every Custodian search attribute is registered in the namespace, registering
 * the missing ones, and retrying while the namespace is still being created (a fresh cluster) or the
 * registration has not become visible yet. Workflows start with these attributes, so without them every
 * ticket would fail to start; after `timeoutMs` it gives up, naming what is missing and how to add it.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  options: { timeoutMs?: number; log?: (line: string) => void } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const log = options.log ?? ((line: string) => console.log(line));
  let lastProblem: string;
  for (;;) {
    try {
      const missing = await missingAttributes(connection, namespace);
      if (missing.length === 0) return;
      lastProblem = `not registered: ${missing.map((key) => key.name).join(', ')}`;
      log(`registering search attributes ${missing.map((key) => key.name).join(', ')} in namespace ${namespace}`);
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
      });
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      const commands = CUSTODIAN_SEARCH_ATTRIBUTE_KEYS.map(
        (key) => `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${TypedSearchAttributes.toMetadataType(key.type)}`,
      ).join('; ');
      throw new Error(`the search attributes of namespace ${namespace} are not in place (${lastProblem}); register them with: ${commands}`);
    }
    await new Promise((resolve) => setTimeout(resolve, ATTEMPT_INTERVAL_MS));
  }
}

async function missingAttributes(connection: Connection, namespace: string) {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return CUSTODIAN_SEARCH_ATTRIBUTE_KEYS.filter((key) => !customAttributes?.[key.name]);
}
