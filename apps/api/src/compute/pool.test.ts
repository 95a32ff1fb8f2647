import { AnalysisInputError, dbscan } from '@hotspot/analysis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PROBLEM, ProblemError } from '../http/problem.ts';
import { ComputePool } from './pool.ts';
import { toCoordinates, toTimedCoordinates } from './tasks.ts';

const pools: ComputePool[] = [];
function pool(options: Partial<ConstructorParameters<typeof ComputePool>[0]> = {}) {
  const p = new ComputePool({ threads: 1, timeoutMs: 60_000, memoryMb: 256, queue: 8, ...options });
  pools.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

/** Deterministic scatter over a square, BNG metres. */
function scatter(n: number, side: number, seed = 1) {
  let s = seed;
  const next = () => {
    s = (s * 16_807) % 2_147_483_647;
    return s / 2_147_483_647;
  };
  return Array.from({ length: n }, () => ({
    x: 380_000 + next() * side,
    y: 250_000 + next() * side,
  }));
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    () => expect.unreachable('the task should have been refused'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe('compute pool', () => {
  it('runs an analysis in a worker thread with the same answer as in process', async () => {
    const points = scatter(3000, 5000);
    const options = { epsMeters: 150, minPoints: 4 };
    const inWorker = await pool().run({ kind: 'dbscan', points: toCoordinates(points), options });
    expect(inWorker).toEqual(dbscan(points, options));
    expect(inWorker.clusters.length).toBeGreaterThan(0);
  });

  it("brings an analysis refusal back as the package's error, code and message intact", async () => {
    const error = await pool()
      .run({
        kind: 'gistar',
        points: toCoordinates(scatter(5, 1000)),
        options: { sizeMeters: 250 },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnalysisInputError);
    expect((error as AnalysisInputError).code).toBe('TOO_FEW_CELLS');
    expect((error as AnalysisInputError).message).toMatch(/at least 30 hexagons/);
  });

  it('contains a worker that runs out of memory: 503 problem, and the pool answers the next task', async () => {
    const small = pool({ memoryMb: 64 });
    // About 15,000 occupied hexagons x 12 months with a 1 km band: some twenty million
    // neighbour-list entries, built list by list as any permitted analysis grows, in 64 MB.
    const points = scatter(20_000, 30_000).map((p, i) => ({
      ...p,
      t: Date.UTC(2000, i % 12, 15),
    }));
    const problem = await problemOf(
      small.run({
        kind: 'emerging',
        points: toTimedCoordinates(points),
        options: {
          sizeMeters: 100,
          slice: 'month',
          from: '2000-01-01',
          to: '2000-12-31',
          distanceMeters: 1000,
        },
      }),
    );
    expect(problem.kind).toBe(PROBLEM.computeOutOfMemory);
    expect(problem.detail).toContain('64 MB');
    const after = await small.run({
      kind: 'dbscan',
      points: toCoordinates(scatter(100, 500)),
      options: { epsMeters: 100, minPoints: 3 },
    });
    expect(after.clusters.length).toBeGreaterThan(0);
  });

  it('stops a task over its time limit (the thread is ended, not left computing) and answers the next', async () => {
    const timed = pool({ timeoutMs: 1_000 });
    // A thread's start-up (tsx and the analysis package) counts against the 1 s limit and can
    // exceed it on a loaded machine, so a small task may take several tries; a task still
    // waiting for a starting thread is dropped from the queue, and the thread goes on starting.
    // The threads run at a lower priority, so with every core busy (the suite's other workers,
    // a CPU burner) starting one took more than ten tries: tries go on until it has started.
    const tiny = () =>
      timed.run({
        kind: 'dbscan',
        points: toCoordinates(scatter(100, 500)),
        options: { epsMeters: 100, minPoints: 3 },
      });
    const untilStarted = async (): ReturnType<typeof tiny> => {
      const deadline = Date.now() + 180_000;
      for (;;) {
        try {
          return await tiny();
        } catch (error) {
          const starting = error instanceof ProblemError && error.kind === PROBLEM.computeTooLong;
          if (!starting || Date.now() > deadline) throw error;
        }
      }
    };
    // A warm thread, so the long task below really runs rather than waits for one.
    await untilStarted();
    const endedBefore = timed.threadsEnded;
    // Gi* on 250 m hexagons over 40 km with a 10 km band: seconds of work on any machine, far
    // more than the one second allowed.
    const area = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [380_000, 250_000],
          [420_000, 250_000],
          [420_000, 290_000],
          [380_000, 290_000],
          [380_000, 250_000],
        ],
      ],
    };
    const problem = await problemOf(
      timed.run({
        kind: 'gistar',
        points: toCoordinates(scatter(5000, 40_000)),
        options: { sizeMeters: 250, distanceMeters: 10_000, studyArea: area },
      }),
    );
    expect(problem.kind).toBe(PROBLEM.computeTooLong);
    expect(problem.extensions).toEqual({ limitSeconds: 1 });
    // The stopped task's thread is ended, not left computing its seconds of work.
    await vi.waitFor(() => expect(timed.threadsEnded).toBe(endedBefore + 1), {
      // Well inside the pool's 60 s idle timeout, which would end a thread left computing.
      timeout: 30_000,
      interval: 50,
    });
    const after = await untilStarted();
    expect(after.noiseCount + after.clusters.reduce((s, c) => s + c.size, 0)).toBe(100);
  });

  it('turns tasks away with 503 and Retry-After once the queue is full', async () => {
    const busy = pool({ queue: 1 });
    // A warm worker: the first task runs, the second waits, the rest are turned away.
    await busy.run({
      kind: 'dbscan',
      points: toCoordinates(scatter(10, 100)),
      options: { epsMeters: 10, minPoints: 2 },
    });
    const heavy = () =>
      busy.run({
        kind: 'dbscan',
        points: toCoordinates(scatter(20_000, 2000)),
        options: { epsMeters: 500, minPoints: 5 },
      });
    const settled = await Promise.allSettled([heavy(), heavy(), heavy(), heavy()]);
    const refused = settled
      .filter((s) => s.status === 'rejected')
      .map((s) => (s as PromiseRejectedResult).reason as ProblemError);
    expect(refused).toHaveLength(2);
    for (const problem of refused) {
      expect(problem.kind).toBe(PROBLEM.computeBusy);
      expect(problem.headers).toEqual({ 'retry-after': '10' });
    }
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(2);
  });
});
