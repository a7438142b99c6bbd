import { Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { ensureSearchAttributes } from '../../libs/temporal/search-attribute-registration';
import { testEnv } from '../support/test-environment';

// The worker's start on a fresh cluster: the namespace job may still be creating the namespace, and nothing else
// registers TenantId and TicketRef, without which no ticket can start.

describe('the worker ensures its search attributes at start', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await Connection.connect({ address: testEnv().temporalAddress });
  });

  afterAll(() => connection.close());

  it('waits for a namespace created after it started, then registers and lists both attributes', async () => {
    const namespace = `fresh-${randomUUID().slice(0, 8)}`;
    const lines: string[] = [];
    const ensured = ensureSearchAttributes(connection, namespace, { timeoutMs: 60_000, log: (line) => lines.push(line) });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await ensured;

    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(customAttributes).toMatchObject({
      TenantId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      TicketRef: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    });
    expect(lines).toContain(`registering search attributes TenantId, TicketRef in namespace ${namespace}`);
    // A second start finds them and registers nothing.
    lines.length = 0;
    await ensureSearchAttributes(connection, namespace, { log: (line) => lines.push(line) });
    expect(lines).toEqual([]);
  }, 90_000);

  it('gives up on a namespace that never comes, saying what is missing and how to register it', async () => {
    const namespace = `never-${randomUUID().slice(0, 8)}`;
    await expect(ensureSearchAttributes(connection, namespace, { timeoutMs: 3_000, log: () => undefined })).rejects.toThrow(
      new RegExp(`search attributes of namespace ${namespace} are not in place .*temporal operator search-attribute create --namespace ${namespace} --name TenantId --type Keyword`),
    );
  }, 30_000);
});
