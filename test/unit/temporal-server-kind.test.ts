import { temporalServerKindFromEnv } from '../../libs/temporal/temporal-server-kind';

describe('CUSTODIAN_TEMPORAL: which Temporal server the test run and the benches start', () => {
  it('is the dev server unless the cluster is asked for', () => {
    expect(temporalServerKindFromEnv({})).toBe('dev-server');
    expect(temporalServerKindFromEnv({ CUSTODIAN_TEMPORAL: '' })).toBe('dev-server');
    expect(temporalServerKindFromEnv({ CUSTODIAN_TEMPORAL: 'cluster' })).toBe('cluster');
  });

  it('refuses a misspelt value instead of quietly running against the dev server', () => {
    expect(() => temporalServerKindFromEnv({ CUSTODIAN_TEMPORAL: 'Cluster' })).toThrow('CUSTODIAN_TEMPORAL=Cluster names no Temporal server: use dev-server (the default) or cluster');
  });
});
