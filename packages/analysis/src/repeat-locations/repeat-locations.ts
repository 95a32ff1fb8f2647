import { buildIndex } from '../common/spatial-index.ts';
import { dayKey, monthKey, monthsBetween, toEpochMs } from '../common/time.ts';
import type { PointXY, RecordPoint } from '../common/types.ts';
import { AnalysisInputError, requireNumberInRange } from '../errors.ts';

/** One sentence for a tasking meeting. */
export const REPEAT_LOCATIONS_EXPLANATION =
  'A repeat location is a place where at least the chosen number of reports fall within the chosen distance of one reported location during the period, so the same premises or spot keeps coming up.';

export interface ValueCount {
  readonly value: string;
  readonly count: number;
  /** count / total, 0..1. */
  readonly share: number;
}

/** Arrays are mutable so the API can return a summary as typed JSON (Hono's JSON type is). */
export interface RecordSummary {
  readonly count: number;
  /** First and last report date (YYYY-MM-DD, UTC); null when no report is dated. */
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  /** Whole days from the first to the last report (0 for a single day). */
  readonly spanDays: number | null;
  /** Every month from the first to the last report, zeros included. */
  readonly countsByMonth: { readonly month: string; readonly count: number }[];
  readonly topCategories: ValueCount[];
  readonly topPlaceTypes: ValueCount[];
  /** Every source agency with its share of the reports, largest first. */
  readonly sourceAgencies: ValueCount[];
  readonly undatedCount: number;
}

const NOT_RECORDED = '(not recorded)';

function tally(values: readonly (string | null | undefined)[], total: number): ValueCount[] {
  const counts = new Map<string, number>();
  for (const v of values) {
    const key = v === null || v === undefined || v === '' ? NOT_RECORDED : v;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([value, count]) => ({ value, count, share: total === 0 ? 0 : count / total }));
}

/**
 * Summary of a group of reports (a cluster, a repeat location, a hotspot): count, date span,
 * counts per month, top categories and place types (ties broken alphabetically) and share by
 * source agency. Missing attributes are counted as "(not recorded)".
 *
 * @example
 * summariseRecords(records, { topN: 3 }).topCategories // [{ value: 'loitering', count: 4, share: 0.5 }, ...]
 */
export function summariseRecords(
  records: readonly RecordPoint[],
  options: { readonly topN?: number } = {},
): RecordSummary {
  const topN = options.topN ?? 5;
  const total = records.length;
  const times = records.flatMap((r) => (r.t === undefined ? [] : [toEpochMs(r.t)]));
  let countsByMonth: { month: string; count: number }[] = [];
  let firstDate: string | null = null;
  let lastDate: string | null = null;
  let spanDays: number | null = null;
  if (times.length > 0) {
    const first = Math.min(...times);
    const last = Math.max(...times);
    firstDate = dayKey(first);
    lastDate = dayKey(last);
    spanDays = Math.round((Date.parse(lastDate) - Date.parse(firstDate)) / 86_400_000);
    const byMonth = new Map(monthsBetween(first, last).map((m) => [m, 0]));
    for (const t of times) {
      const key = monthKey(t);
      byMonth.set(key, (byMonth.get(key) ?? 0) + 1);
    }
    countsByMonth = [...byMonth.entries()].map(([month, count]) => ({ month, count }));
  }
  return {
    count: total,
    firstDate,
    lastDate,
    spanDays,
    countsByMonth,
    topCategories: tally(
      records.map((r) => r.category),
      total,
    ).slice(0, topN),
    topPlaceTypes: tally(
      records.map((r) => r.placeType),
      total,
    ).slice(0, topN),
    sourceAgencies: tally(
      records.map((r) => r.sourceAgency),
      total,
    ),
    undatedCount: total - times.length,
  };
}

/**
 * Summaries for every cluster of a labelling (e.g. `dbscan(...).labels`); index = cluster id,
 * noise (-1) is skipped.
 */
export function summariseClusters(
  records: readonly RecordPoint[],
  labels: readonly number[],
  options: { readonly topN?: number } = {},
): RecordSummary[] {
  const groups: RecordPoint[][] = [];
  labels.forEach((label, i) => {
    if (label < 0) return;
    const group = groups[label];
    if (group) group.push(records[i]!);
    else groups[label] = [records[i]!];
  });
  return Array.from(groups, (g) => summariseRecords(g ?? [], options));
}

export interface RepeatLocationOptions {
  /** Reports within this many metres of the anchor report count together. */
  readonly radiusMeters: number;
  /** Reports needed (anchor included) for a repeat location, at least 2. */
  readonly minReports: number;
  /** Period (inclusive), epoch ms or ISO. With either bound, undated reports are left out. */
  readonly from?: number | string;
  readonly to?: number | string;
  readonly topN?: number;
}

export interface RepeatLocation {
  /** 0, 1, ... from the busiest place down. */
  readonly id: number;
  /** The report whose neighbourhood defines the place (index into the input). */
  readonly anchorIndex: number;
  /** Mean centre of the member reports, metres (not a report location). */
  readonly centre: PointXY;
  /** Largest distance from the anchor to a member, metres. */
  readonly radiusUsedMeters: number;
  readonly pointIndices: readonly number[];
  readonly summary: RecordSummary;
}

export interface RepeatLocationResult {
  readonly locations: readonly RepeatLocation[];
  readonly params: {
    readonly radiusMeters: number;
    readonly minReports: number;
    readonly from: string | null;
    readonly to: string | null;
  };
  /** Reports in the period, and how many of them belong to a repeat location. */
  readonly reportsInPeriod: number;
  readonly reportsAtRepeatLocations: number;
}

/**
 * Repeat locations: places with at least `minReports` reports within `radiusMeters` of one report
 * in the period. Greedy and deterministic: reports are taken in order of how many others lie within
 * the radius (most first, ties by input order); each forms a repeat location from the reports
 * within the radius not already claimed, if there are still enough. Every report belongs to at
 * most one repeat location, and every member lies within the radius of its anchor.
 *
 * @example
 * repeatLocations(records, { radiusMeters: 50, minReports: 3, from: '2024-01-01', to: '2024-06-30' })
 */
export function repeatLocations(
  records: readonly RecordPoint[],
  options: RepeatLocationOptions,
): RepeatLocationResult {
  const { radiusMeters, minReports } = options;
  requireNumberInRange('radiusMeters', radiusMeters, 0, 100_000);
  requireNumberInRange('minReports', minReports, 2, 1_000_000);
  const fromMs = options.from === undefined ? null : toEpochMs(options.from);
  const toMs = options.to === undefined ? null : toEpochMs(options.to);
  if (fromMs !== null && toMs !== null && fromMs > toMs) {
    throw new AnalysisInputError('INVALID_PARAMETER', 'The period starts after it ends.');
  }
  const inPeriod: number[] = [];
  records.forEach((r, i) => {
    if (fromMs === null && toMs === null) {
      inPeriod.push(i);
      return;
    }
    if (r.t === undefined) return;
    const t = toEpochMs(r.t);
    if ((fromMs === null || t >= fromMs) && (toMs === null || t <= toMs)) inPeriod.push(i);
  });
  const pts = inPeriod.map((i) => records[i]!);
  const index = buildIndex(pts);
  // Counts first (no allocation); neighbour lists are fetched again only for candidate anchors.
  const buffer = new Uint32Array(Math.max(1, pts.length));
  const counts = pts.map((p) => index.withinInto(p.x, p.y, radiusMeters, buffer));
  const order = pts.map((_, k) => k).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const claimed = new Uint8Array(pts.length);
  const locations: RepeatLocation[] = [];
  for (const k of order) {
    if (counts[k]! < minReports) break;
    if (claimed[k]) continue;
    const anchorPoint = pts[k]!;
    const found = index.withinInto(anchorPoint.x, anchorPoint.y, radiusMeters, buffer);
    const members: number[] = [];
    for (let q = 0; q < found; q++) if (!claimed[buffer[q]!]) members.push(buffer[q]!);
    if (members.length < minReports) continue;
    members.sort((a, b) => a - b);
    for (const m of members) claimed[m] = 1;
    const anchor = pts[k]!;
    let sx = 0;
    let sy = 0;
    let far = 0;
    for (const m of members) {
      const p = pts[m]!;
      sx += p.x;
      sy += p.y;
      far = Math.max(far, Math.hypot(p.x - anchor.x, p.y - anchor.y));
    }
    const pointIndices = members.map((m) => inPeriod[m]!);
    locations.push({
      id: locations.length,
      anchorIndex: inPeriod[k]!,
      centre: { x: sx / members.length, y: sy / members.length },
      radiusUsedMeters: far,
      pointIndices,
      summary: summariseRecords(
        pointIndices.map((i) => records[i]!),
        options.topN === undefined ? {} : { topN: options.topN },
      ),
    });
  }
  return {
    locations,
    params: {
      radiusMeters,
      minReports,
      from: fromMs === null ? null : new Date(fromMs).toISOString(),
      to: toMs === null ? null : new Date(toMs).toISOString(),
    },
    reportsInPeriod: pts.length,
    reportsAtRepeatLocations: locations.reduce((s, l) => s + l.pointIndices.length, 0),
  };
}
