import { assessPayloadHistory } from '../../../libs/crypto/kek-retirement';
import type { KeyVersionInfo } from '../../../libs/crypto/key-provider';
import { statedPayloadHistory } from '../../../libs/temporal/namespace-payload-history';

const HOUR = 3_600_000;
const superseded: KeyVersionInfo = { kekId: 'local:ring', version: '1', active: false, retired: false, supersededAt: new Date('2026-01-10T00:00:00.000Z') };

describe('when Temporal payloads under a superseded KEK version age out', () => {
  it('is superseded + the data key lifetime + the retention, by the retention an operator states', async () => {
    const history = statedPayloadHistory(30);
    const allowedFrom = new Date('2026-02-09T01:00:00.000Z');
    const refused = await assessPayloadHistory(superseded, history, HOUR, new Date(allowedFrom.getTime() - 1));
    expect(refused.allowedFrom).toEqual(allowedFrom);
    expect(refused.reasons).toEqual([expect.stringContaining('retention of 30 day(s) (TEMPORAL_NAMESPACE_RETENTION_DAYS')]);
    expect(await assessPayloadHistory(superseded, history, HOUR, allowedFrom)).toEqual({ reasons: [] });
  });

  it('waits for the retention after the last execution from that time closed', async () => {
    const history = { ...statedPayloadHistory(1), executionsStartedBefore: async () => ({ running: 0, lastClosedAt: new Date('2026-01-20T00:00:00.000Z') }) };
    const assessment = await assessPayloadHistory(superseded, history, HOUR, new Date('2026-01-15T00:00:00.000Z'));
    expect(assessment.allowedFrom).toEqual(new Date('2026-01-21T00:00:00.000Z'));
  });

  it('cannot tell without the time it was superseded, or without any retention', async () => {
    expect(await assessPayloadHistory({ ...superseded, supersededAt: undefined }, statedPayloadHistory(1), HOUR, new Date())).toEqual({
      reasons: ['the time KEK version 1 stopped being active is not recorded, so when its Temporal payloads age out cannot be told'],
    });
    const unknown = await assessPayloadHistory(superseded, undefined, HOUR, new Date('2030-01-01T00:00:00.000Z'));
    expect(unknown.allowedFrom).toBeUndefined();
    expect(unknown.reasons).toEqual([expect.stringContaining('TEMPORAL_NAMESPACE_RETENTION_DAYS is not set')]);
  });
});
