import { fileURLToPath } from 'node:url';
import { AnalysisInputError } from '@hotspot/analysis';
import { Piscina } from 'piscina';
import type { Env } from '../env.ts';
import { PROBLEM, ProblemError } from '../http/problem.ts';
import type { ComputeOutputs, ComputeTask, WorkerAnswer } from './tasks.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./worker.mjs', import.meta.url));

export interface ComputePoolOptions {
  /** Worker threads (the analyses are single-threaded: one per spare core). */
  readonly threads: number;
  /** Per task, from submission (queue wait included) to answer. */
  readonly timeoutMs: number;
  /** Old-generation heap of each worker; a worker over it dies alone. */
  readonly memoryMb: number;
  /** Tasks that may wait for a thread; beyond it a request is turned away at once. */
  readonly queue: number;
}

/**
 * Heavy analyses off the event loop: the API keeps answering (health, sign-in, cached layers)
 * while a worker computes, a task over its time is stopped (its thread terminated), and a task
 * over its memory kills only its worker, which the pool replaces.
 */
export class ComputePool {
  readonly #pool: Piscina;
  /** Tasks submitted and not yet answered (running or waiting). */
  #inFlight = 0;
  #threadsEnded = 0;

  constructor(readonly options: ComputePoolOptions) {
    this.#pool = new Piscina({
      filename: WORKER_ENTRY,
      minThreads: 0,
      maxThreads: options.threads,
      // A warm worker (tsx and the analysis package loaded) answers the next request sooner.
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
      // A lower scheduling priority for the worker threads (Linux, through piscina's optional
      // @napi-rs/nice): when the cores are busy, the event loop's thread is served first.
      niceIncrement: 10,
    });
    // A worker that dies (out of memory) is reported on the task; the pool's own 'error' event
    // must not become an uncaught exception of the API process.
    this.#pool.on('error', () => undefined);
    // Counted from each thread's own exit, which is when its work has really stopped.
    const watched = new WeakSet<object>();
    this.#pool.on('workerCreate', () => {
      for (const thread of this.#pool.threads) {
        if (watched.has(thread)) continue;
        watched.add(thread);
        thread.once('exit', () => {
          this.#threadsEnded += 1;
        });
      }
    });
  }

  /** Worker threads ended so far: stopped over time or memory, or idle past their timeout. */
  get threadsEnded(): number {
    return this.#threadsEnded;
  }

  async run<K extends ComputeTask['kind']>(
    task: Extract<ComputeTask, { kind: K }>,
  ): Promise<ComputeOutputs[K]> {
    const seconds = Math.round(this.options.timeoutMs / 1000);
    // Counted here rather than by piscina's maxQueue, which lets a busy worker take tasks on.
    if (this.#inFlight >= this.options.threads + this.options.queue) {
      throw new ProblemError(
        PROBLEM.computeBusy,
        'Too many analyses are waiting; try again shortly.',
        {},
        { 'retry-after': '10' },
      );
    }
    let answer: WorkerAnswer;
    this.#inFlight += 1;
    try {
      answer = (await this.#pool.run(task, {
        signal: AbortSignal.timeout(this.options.timeoutMs),
      })) as WorkerAnswer;
    } catch (error) {
      const e = error as { name?: string; code?: string; message?: string };
      if (e.name === 'AbortError' || e.name === 'TimeoutError') {
        throw new ProblemError(
          PROBLEM.computeTooLong,
          `The analysis was stopped after ${seconds} s. Use larger cells, a shorter distance band, a shorter period or narrower filters, or try again when the server is less busy.`,
          { limitSeconds: seconds },
        );
      }
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new ProblemError(
          PROBLEM.computeOutOfMemory,
          `The analysis needed more than the ${this.options.memoryMb} MB it may use and was stopped. Use larger cells, a shorter distance band, a shorter period or narrower filters.`,
          { limitMb: this.options.memoryMb },
        );
      }
      throw error;
    } finally {
      this.#inFlight -= 1;
    }
    if (!answer.ok) throw new AnalysisInputError(answer.code, answer.message, answer.details);
    return answer.value as ComputeOutputs[K];
  }

  close(): Promise<void> {
    return this.#pool.destroy();
  }
}

// One pool per process and configuration: every app built in a process (tests build many)
// shares the threads, which is the point of a bound.
const pools = new Map<string, ComputePool>();

export function poolOptionsOf(
  env: Pick<
    Env,
    'COMPUTE_THREADS' | 'COMPUTE_TIMEOUT_SECONDS' | 'COMPUTE_MEMORY_MB' | 'COMPUTE_QUEUE'
  >,
): ComputePoolOptions {
  return {
    threads: env.COMPUTE_THREADS,
    timeoutMs: env.COMPUTE_TIMEOUT_SECONDS * 1000,
    memoryMb: env.COMPUTE_MEMORY_MB,
    queue: env.COMPUTE_QUEUE,
  };
}

export function computePool(options: ComputePoolOptions): ComputePool {
  const key = JSON.stringify(options);
  let pool = pools.get(key);
  if (!pool) {
    pool = new ComputePool(options);
    pools.set(key, pool);
  }
  return pool;
}

/** Runs an analysis in the process's pool for this environment. */
export function compute<K extends ComputeTask['kind']>(
  deps: { readonly env: Env },
  task: Extract<ComputeTask, { kind: K }>,
): Promise<ComputeOutputs[K]> {
  return computePool(poolOptionsOf(deps.env)).run(task);
}

export async function closeComputePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}
