import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../deps.ts';
import { currentUser } from '../http/current-user.ts';
import { PROBLEM, ProblemError } from '../http/problem.ts';

export interface TokenBucketOptions {
  /** Requests a user may make at once. */
  readonly burst: number;
  /** Tokens added per minute, up to `burst`. */
  readonly perMinute: number;
  readonly clock: () => Date;
  /** Buckets kept; the fullest (longest idle) go first, so memory stays bounded. */
  readonly maxKeys?: number;
}

/**
 * Per-key token bucket in this process's memory: several API processes each allow the rate, and
 * a restart refills every bucket (docs/SECURITY.md says so). `take` answers how long to wait
 * when the bucket is empty.
 */
export class TokenBucket {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly options: TokenBucketOptions) {}

  /** Takes one token for `key`: 0 when granted, else the whole seconds until one is due. */
  take(key: string): number {
    const now = this.options.clock().getTime();
    const { burst, perMinute } = this.options;
    const perMs = perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now };
    const tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    this.#buckets.delete(key);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: now });
      this.#evict();
      return 0;
    }
    this.#buckets.set(key, { tokens, at: now });
    return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
  }

  #evict(): void {
    const max = this.options.maxKeys ?? 10_000;
    // Map order is last use: the first entries have been idle longest.
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= max) break;
      this.#buckets.delete(key);
    }
  }
}

const buckets = new WeakMap<AppDeps, TokenBucket>();

function bucketFor(deps: AppDeps): TokenBucket {
  let bucket = buckets.get(deps);
  if (!bucket) {
    bucket = new TokenBucket({
      burst: deps.env.ANALYSIS_RATE_BURST,
      perMinute: deps.env.ANALYSIS_RATE_PER_MINUTE,
      clock: deps.clock,
    });
    buckets.set(deps, bucket);
  }
  return bucket;
}

/** Takes a token for the signed-in user or refuses with 429 and Retry-After. */
export function takeAnalysisToken(deps: AppDeps, userId: string): void {
  const wait = bucketFor(deps).take(userId);
  if (wait === 0) return;
  throw new ProblemError(
    PROBLEM.tooManyRequests,
    `Too many analyses in a short time; try again in ${wait} s.`,
    { retryAfterSeconds: wait },
    { 'retry-after': String(wait) },
  );
}

/**
 * Rate limit for the routes of an analysis feature, or for the requests `heavy` picks (e.g. Gi*
 * hexagons). Shared by every route of one app (one bucket per user).
 */
export function analysisRateLimit(
  deps: AppDeps,
  heavy: (url: URL) => boolean = () => true,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    // Only record-level work is limited: what a non-analyst (or an analyst asking as the meeting
    // sees it) receives is a lookup in the published table, cheap and the same every time. A
    // limit there would also make their answers depend on their own request history, which the
    // disclosure tests rightly forbid (the same question must always get the same bytes).
    const user = currentUser(c);
    const recordLevel = user.role === 'analyst' && url.searchParams.get('audience') !== 'meeting';
    if (recordLevel && heavy(url)) takeAnalysisToken(deps, user.id);
    await next();
  };
}
