import {
  AnalysisInputError,
  type AnalysisInputErrorCode,
  type DbscanOptions,
  type DbscanResult,
  dbscan,
  defaultBandwidth,
  type EmergingHotspotOptions,
  type EmergingHotspotResult,
  emergingHotspots,
  type HexHotspotOptions,
  type HexHotspotResult,
  hexHotspots,
  type KernelDensityResult,
  kernelDensity,
  type PointXY,
  type RecordPoint,
  type RepeatLocationOptions,
  type RepeatLocationResult,
  repeatLocations,
} from '@hotspot/analysis';
import KDBush from 'kdbush';

/**
 * The heavy analyses, as run inside a compute worker. Points travel as typed arrays (one copy,
 * no per-point objects to clone); each task calls the pure functions of @hotspot/analysis
 * unchanged and returns only what the routes use.
 */
export interface Coordinates {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
}

export interface TimedCoordinates extends Coordinates {
  /** Epoch milliseconds (UTC). */
  readonly ts: Float64Array;
}

export interface DensityTask {
  readonly points: Coordinates;
  /** null: the default bandwidth from the spread of the reports (500 m below two reports). */
  readonly bandwidthMeters: number | null;
  readonly cellSizeMeters: number | null;
  /** Non-analysts: keep only reports with at least this many reports within the bandwidth. */
  readonly supportK: number | null;
}

export interface DensityOutput {
  readonly bandwidthMeters: number;
  readonly pointsUsed: number;
  readonly result: Pick<KernelDensityResult, 'bands' | 'params'> | null;
}

export type ComputeTask =
  | { readonly kind: 'gistar'; readonly points: Coordinates; readonly options: HexHotspotOptions }
  | {
      readonly kind: 'emerging';
      readonly points: TimedCoordinates;
      readonly options: EmergingHotspotOptions;
    }
  | { readonly kind: 'density'; readonly task: DensityTask }
  | { readonly kind: 'dbscan'; readonly points: Coordinates; readonly options: DbscanOptions }
  | {
      readonly kind: 'repeats';
      readonly records: readonly RecordPoint[];
      readonly options: RepeatLocationOptions;
    };

export interface ComputeOutputs {
  gistar: HexHotspotResult;
  emerging: EmergingHotspotResult;
  density: DensityOutput;
  dbscan: DbscanResult;
  repeats: RepeatLocationResult;
}

/** What crosses back from the worker: a value, or an analysis refusal (classes do not cross). */
export type WorkerAnswer =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly code: AnalysisInputErrorCode;
      readonly message: string;
      readonly details: Readonly<Record<string, unknown>>;
    };

export function toCoordinates(points: readonly PointXY[]): Coordinates {
  const xs = new Float64Array(points.length);
  const ys = new Float64Array(points.length);
  points.forEach((p, i) => {
    xs[i] = p.x;
    ys[i] = p.y;
  });
  return { xs, ys };
}

export function toTimedCoordinates(
  points: readonly (PointXY & { readonly t: string | number })[],
): TimedCoordinates {
  const ts = new Float64Array(points.length);
  points.forEach((p, i) => {
    ts[i] = typeof p.t === 'number' ? p.t : Date.parse(p.t);
  });
  return { ...toCoordinates(points), ts };
}

function pointsOf(c: Coordinates): PointXY[] {
  return Array.from(c.xs, (x, i) => ({ x, y: c.ys[i]! }));
}

/**
 * For non-analysts, a report only enters the surface when at least k reports (itself included)
 * lie within the bandwidth: an isolated report would otherwise draw a small ring centred on it.
 */
export function supportedPoints(points: readonly PointXY[], radius: number, k: number): PointXY[] {
  if (points.length === 0) return [];
  const index = new KDBush(points.length);
  for (const p of points) index.add(p.x, p.y);
  index.finish();
  return points.filter((p) => index.within(p.x, p.y, radius).length >= k);
}

function density(task: DensityTask): DensityOutput {
  const records = pointsOf(task.points);
  const bandwidthMeters =
    task.bandwidthMeters ?? (records.length < 2 ? 500 : defaultBandwidth(records));
  const points =
    task.supportK === null ? records : supportedPoints(records, bandwidthMeters, task.supportK);
  if (points.length === 0) return { bandwidthMeters, pointsUsed: 0, result: null };
  const { bands, params } = kernelDensity(points, {
    bandwidthMeters,
    ...(task.cellSizeMeters !== null ? { cellSizeMeters: task.cellSizeMeters } : {}),
  });
  return { bandwidthMeters, pointsUsed: points.length, result: { bands, params } };
}

export function runTask(task: ComputeTask): unknown {
  switch (task.kind) {
    case 'gistar':
      return hexHotspots(pointsOf(task.points), task.options);
    case 'emerging': {
      const { xs, ys, ts } = task.points;
      const points = Array.from(xs, (x, i) => ({ x, y: ys[i]!, t: ts[i]! }));
      return emergingHotspots(points, task.options);
    }
    case 'density':
      return density(task.task);
    case 'dbscan':
      return dbscan(pointsOf(task.points), task.options);
    case 'repeats':
      return repeatLocations(task.records, task.options);
  }
}

/** The worker's entry: runs the task and turns an analysis refusal into a plain answer. */
export default function computeInWorker(task: ComputeTask): WorkerAnswer {
  try {
    return { ok: true, value: runTask(task) };
  } catch (error) {
    if (error instanceof AnalysisInputError) {
      return { ok: false, code: error.code, message: error.message, details: error.details };
    }
    throw error;
  }
}
