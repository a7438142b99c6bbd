/**
 * The security desk's business calendar, in UTC so the rule does not depend on where a reporter or an
 * operator is: a business day is a UTC calendar day from Monday to Friday that is not a listed holiday.
 * Adding N business days steps forward one UTC day at a time from the start instant, keeping its time of
 * day, and counts only the days it lands on that are business days. So a report on Friday 17:00 UTC with
 * 2 business days to answer is due on Tuesday 17:00 UTC, and a report on Saturday 10:00 UTC on Tuesday
 * 10:00 UTC. Pure and deterministic: workflows and the API share it.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** A holiday is a UTC calendar date, YYYY-MM-DD. */
export const HOLIDAY_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isBusinessDay(atMs: number, holidays: readonly string[]): boolean {
  const day = new Date(atMs);
  const weekday = day.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !holidays.includes(day.toISOString().slice(0, 10));
}

export function addBusinessDays(startMs: number, businessDays: number, holidays: readonly string[]): number {
  if (!Number.isInteger(businessDays) || businessDays < 0) throw new RangeError('businessDays must be a whole number >= 0');
  let at = startMs;
  let counted = 0;
  while (counted < businessDays) {
    at += DAY_MS;
    if (isBusinessDay(at, holidays)) counted += 1;
  }
  return at;
}
