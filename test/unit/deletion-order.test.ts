import { DeletionOrderError, deletionOrder } from '../../libs/db/tenant-tables';

describe('tenant deletion order from the foreign keys', () => {
  it('deletes referencing tables first, data keys as late as it may and tenants last', () => {
    const tables = ['tenants', 'tickets', 'security_reports', 'data_keys', 'integration_credentials', 'api_keys', 'audit_events'];
    const references = [
      { referencing: 'tickets', referenced: 'tenants' },
      { referencing: 'security_reports', referenced: 'tickets' },
      { referencing: 'security_reports', referenced: 'tenants' },
      { referencing: 'data_keys', referenced: 'tenants' },
      { referencing: 'integration_credentials', referenced: 'data_keys' },
      { referencing: 'integration_credentials', referenced: 'tenants' },
      { referencing: 'api_keys', referenced: 'tenants' },
      { referencing: 'audit_events', referenced: 'tenants' },
      // outside tenant data: ignored
      { referencing: 'tickets', referenced: 'operator_keys' },
      // self-reference: no constraint on the order
      { referencing: 'tickets', referenced: 'tickets' },
    ];
    expect(deletionOrder(tables, references)).toEqual([
      'api_keys',
      'audit_events',
      'integration_credentials',
      'security_reports',
      'tickets',
      'data_keys',
      'tenants',
    ]);
  });

  it('puts a table without foreign keys before tenants too', () => {
    expect(deletionOrder(['tenants', 'zz_loose'], [])).toEqual(['zz_loose', 'tenants']);
  });

  it('refuses a cycle instead of guessing', () => {
    const references = [
      { referencing: 'a', referenced: 'b' },
      { referencing: 'b', referenced: 'a' },
    ];
    expect(() => deletionOrder(['a', 'b', 'tenants'], references)).toThrow(DeletionOrderError);
  });
});
