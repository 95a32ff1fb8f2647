import { AnalysisInputError } from '../errors.ts';

/** Converts epoch milliseconds or an ISO 8601 string to epoch milliseconds (dates are UTC). */
export function toEpochMs(t: number | string): number {
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) {
    throw new AnalysisInputError('INVALID_PARAMETER', `Not a valid time: ${String(t)}.`, { t });
  }
  return ms;
}

/** `YYYY-MM` of a UTC instant. */
export function monthKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of a UTC instant. */
export function dayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Every `YYYY-MM` from the month of `fromMs` to the month of `toMs` inclusive. */
export function monthsBetween(fromMs: number, toMs: number): string[] {
  const a = new Date(fromMs);
  const b = new Date(toMs);
  const out: string[] = [];
  let y = a.getUTCFullYear();
  let m = a.getUTCMonth();
  while (y < b.getUTCFullYear() || (y === b.getUTCFullYear() && m <= b.getUTCMonth())) {
    out.push(`${y}-${String(m + 1).padStart(2, '0')}`);
    m += 1;
    if (m === 12) {
      m = 0;
      y += 1;
    }
  }
  return out;
}
