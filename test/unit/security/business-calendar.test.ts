import { acknowledgementDueAt, addBusinessDays, isBusinessDay } from '../../../libs/contracts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('the security desk business calendar (UTC)', () => {
  it('makes a report on Friday 17:00 UTC due by Tuesday 17:00 UTC', () => {
    expect(iso(acknowledgementDueAt(at('2026-11-20T17:00:00Z'), []))).toBe('2026-11-24T17:00:00.000Z');
  });

  it('keeps the time of day and skips weekends and listed holidays', () => {
    expect(iso(addBusinessDays(at('2026-11-23T09:15:00Z'), 2, []))).toBe('2026-11-25T09:15:00.000Z');
    expect(iso(addBusinessDays(at('2026-11-21T10:00:00Z'), 2, []))).toBe('2026-11-24T10:00:00.000Z');
    expect(iso(addBusinessDays(at('2026-12-24T12:00:00Z'), 2, ['2026-12-25']))).toBe('2026-12-29T12:00:00.000Z');
    expect(iso(addBusinessDays(at('2026-11-20T17:00:00Z'), 2, ['2026-11-23', '2026-11-24']))).toBe('2026-11-26T17:00:00.000Z');
  });

  it('decides by the UTC date, whatever the caller’s time zone', () => {
    // 23:30 on a Friday in New York is already Saturday in UTC.
    expect(isBusinessDay(at('2026-11-20T23:30:00-05:00'), [])).toBe(false);
    expect(isBusinessDay(at('2026-11-23T00:30:00+01:00'), [])).toBe(false);
    expect(isBusinessDay(at('2026-11-23T00:30:00Z'), [])).toBe(true);
  });
});
