/**
 * The finite request surface of the published table (DESIGN.md section 5, version 2): what a
 * non-analyst (or an analyst's `audience=meeting` request) may ask for is one of the
 * partnership's published lattice sizes, a range of whole calendar months and the taxonomy
 * filters. Anything else is refused with a 422 naming the allowed values, never silently
 * widened: a reader must know exactly which cell of the table an answer comes from.
 */
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import type { MonthRange, PublishedFilters } from './published.ts';

export interface PublishedRequestInput {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly category: readonly string[];
  readonly placeType: readonly string[];
  readonly sourceGrade: readonly string[];
  readonly intelligenceGrade: readonly string[];
  readonly sourceAgency?: readonly string[];
  readonly handlingCode?: readonly string[];
}

export interface PublishedRequest {
  readonly months: MonthRange;
  readonly filters: PublishedFilters;
}

/** Default period of the published map: the 12 whole months up to and including this one. */
const DEFAULT_MONTHS = 12;

function firstOfMonth(iso: string): string {
  return `${iso.slice(0, 7)}-01`;
}

function lastOfMonth(iso: string): string {
  const d = new Date(`${firstOfMonth(iso)}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
}

function monthsBefore(firstDay: string, months: number): string {
  const d = new Date(`${firstDay}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1))
    .toISOString()
    .slice(0, 10);
}

type Location = 'query' | 'body';

export function refused(location: Location, problems: Record<string, string>): ProblemError {
  return new ProblemError(
    PROBLEM.validation,
    'The published map answers only whole months, published hexagon sizes and taxonomy filters.',
    {
      errors: Object.entries(problems).map(([field, detail]) => ({
        pointer: `/${location}/${field}`,
        detail,
      })),
    },
  );
}

/**
 * Resolves the months and filters of a published request, or throws a 422 listing every field
 * outside the surface. `extra` names further fields the caller refuses (e.g. free parameters).
 */
export function resolvePublishedRequest(
  raw: PublishedRequestInput,
  today: Date,
  location: Location = 'query',
  extra: Record<string, string> = {},
): PublishedRequest {
  const problems: Record<string, string> = { ...extra };
  if (raw.from !== undefined && raw.from !== firstOfMonth(raw.from)) {
    problems.from =
      'must be the first day of a month (YYYY-MM-01): the published map counts whole months';
  }
  if (raw.to !== undefined && raw.to !== lastOfMonth(raw.to)) {
    problems.to = 'must be the last day of a month: the published map counts whole months';
  }
  if ((raw.sourceAgency ?? []).length > 0) {
    problems.sourceAgency =
      'is not published; the allowed filters are category, placeType, sourceGrade and intelligenceGrade';
  }
  if ((raw.handlingCode ?? []).length > 0) {
    problems.handlingCode =
      'is not published (only P records are); the allowed filters are category, placeType, sourceGrade and intelligenceGrade';
  }
  if (Object.keys(problems).length > 0) throw refused(location, problems);
  const to = firstOfMonth(raw.to ?? today.toISOString().slice(0, 10));
  const from = raw.from ?? monthsBefore(to, DEFAULT_MONTHS - 1);
  if (from > to) throw refused(location, { from: 'must not be after to' });
  const sorted = (v: readonly string[]) => [...new Set(v)].sort();
  return {
    months: { from, to },
    filters: {
      category: sorted(raw.category),
      placeType: sorted(raw.placeType),
      sourceGrade: sorted(raw.sourceGrade),
      intelligenceGrade: sorted(raw.intelligenceGrade),
    },
  };
}

/** A published lattice size: the one asked for, which must be published, or the finest. */
export function publishedSize(
  asked: number | undefined,
  hexSizes: readonly number[],
  location: Location = 'query',
): number {
  if (asked === undefined) return hexSizes[0]!;
  if (!hexSizes.includes(asked)) {
    throw refused(location, { sizeMeters: `must be one of ${hexSizes.join(', ')}` });
  }
  return asked;
}

/** The months of a range as "YYYY-MM", first to last. */
export function monthsOf(range: MonthRange): string[] {
  const out: string[] = [];
  for (let m = range.from; m <= range.to; m = monthsBefore(m, -1)) out.push(m.slice(0, 7));
  return out;
}

/** The `count` whole months ending with the month holding `day`, without filters. */
export function monthsEnding(day: string, count = DEFAULT_MONTHS): PublishedRequest {
  const to = firstOfMonth(day);
  return {
    months: { from: monthsBefore(to, count - 1), to },
    filters: { category: [], placeType: [], sourceGrade: [], intelligenceGrade: [] },
  };
}

/** The inclusive days of a month range, for display ("2024-01-01" to "2024-12-31"). */
export function daysOf(range: MonthRange): { from: string; to: string } {
  return { from: range.from, to: lastOfMonth(range.to) };
}
