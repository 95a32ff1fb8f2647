/**
 * Reporting periods as inclusive ISO dates (YYYY-MM-DD), computed from an injected "today" so
 * they can be tested and so a shared link keeps its dates. All arithmetic is in UTC calendar
 * days: a period is about reported dates, not instants.
 */

export interface Period {
  readonly from: string;
  readonly to: string;
}

export const PERIOD_PRESETS = [
  { id: 'last-28-days', label: 'Last 28 days' },
  { id: 'last-3-months', label: 'Last 3 months' },
  { id: 'last-6-months', label: 'Last 6 months' },
  { id: 'last-12-months', label: 'Last 12 months' },
] as const;
export type PeriodPresetId = (typeof PERIOD_PRESETS)[number]['id'];

/** The period the map shows when the link names none (the API's default is a year too). */
export const DEFAULT_PRESET: PeriodPresetId = 'last-12-months';

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function parse(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

export function addDays(iso: string, days: number): string {
  const d = parse(iso);
  d.setUTCDate(d.getUTCDate() + days);
  return toIsoDate(d);
}

/** Same day n months later (earlier for negative n), clamped to the month's last day. */
export function addMonths(iso: string, months: number): string {
  const d = parse(iso);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return toIsoDate(target);
}

/**
 * "Last n months" ends today and starts the day after the same date n months ago, so it holds
 * exactly n calendar months of days (12 months to 29 Nov 2026: 30 Nov 2025 - 29 Nov 2026).
 */
export function presetPeriod(id: PeriodPresetId, today: Date): Period {
  const to = toIsoDate(today);
  switch (id) {
    case 'last-28-days':
      return { from: addDays(to, -27), to };
    case 'last-3-months':
      return { from: addDays(addMonths(to, -3), 1), to };
    case 'last-6-months':
      return { from: addDays(addMonths(to, -6), 1), to };
    case 'last-12-months':
      return { from: addDays(addMonths(to, -12), 1), to };
  }
}

/** The preset a period equals today, if any (to highlight the preset button). */
export function matchingPreset(period: Period, today: Date): PeriodPresetId | undefined {
  return PERIOD_PRESETS.map((p) => p.id).find((id) => {
    const p = presetPeriod(id, today);
    return p.from === period.from && p.to === period.to;
  });
}

/** The period in the URL, or the default preset for missing ends. */
export function resolvePeriod(from: string | null, to: string | null, today: Date): Period {
  const fallback = presetPeriod(DEFAULT_PRESET, today);
  const end = to ?? fallback.to;
  const start = from ?? (to ? addDays(addMonths(end, -12), 1) : fallback.from);
  return start <= end ? { from: start, to: end } : fallback;
}

// ----- the month-by-month time slider -----

/** A calendar month as YYYY-MM. */
export type Month = string;

export function monthOf(iso: string): Month {
  return iso.slice(0, 7);
}

export function addMonthsToMonth(month: Month, n: number): Month {
  return addMonths(`${month}-01`, n).slice(0, 7);
}

/** The calendar months a period touches, in order: what Play and the slider step through. */
export function periodMonths(period: Period): readonly Month[] {
  const months: Month[] = [];
  const last = monthOf(period.to);
  for (let m = monthOf(period.from); m <= last; m = addMonthsToMonth(m, 1)) months.push(m);
  return months;
}

/** One month of a period, cut to the period's ends (its first and last months may be partial). */
export function monthWithin(period: Period, month: Month): Period {
  const first = `${month}-01`;
  const last = addDays(`${addMonthsToMonth(month, 1)}-01`, -1);
  // ISO dates sort as strings: the later of the starts and the earlier of the ends.
  const [, from = first] = [first, period.from].sort();
  const [to = last] = [last, period.to].sort();
  return { from, to };
}

/**
 * The next month for the slider or for "play": one step forward or back within the offered
 * months, or undefined past either end (play stops there).
 */
export function stepMonth(
  months: readonly Month[],
  current: Month | undefined,
  delta: number,
): Month | undefined {
  if (months.length === 0) return undefined;
  if (current === undefined) return delta >= 0 ? months[0] : months[months.length - 1];
  const index = months.indexOf(current);
  if (index < 0) return delta >= 0 ? months[0] : months[months.length - 1];
  return months[index + delta];
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** "2026-05" -> "May 2026". */
export function formatMonth(month: Month): string {
  const [y, m] = month.split('-');
  return `${MONTH_NAMES[Number(m) - 1] ?? m} ${y}`;
}

/** "2026-05-01" -> "1 May 2026" (dates are shown the UK way). */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${Number(d)} ${MONTH_NAMES[Number(m) - 1]?.slice(0, 3) ?? m} ${y}`;
}
