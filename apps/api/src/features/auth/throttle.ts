import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { sha256Hex } from './sessions.ts';

/** How many failures within `windowMs` lock a key, and for how long. */
export interface ThrottleRule {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

const FIFTEEN_MINUTES_MS = 15 * 60_000;

// Per account: 5 wrong passwords lock the account's sign-in for 15 minutes. Per address: a
// higher bar, since one office (one NAT address) holds many honest users.
export const ACCOUNT_RULE: ThrottleRule = {
  maxFailures: 5,
  windowMs: FIFTEEN_MINUTES_MS,
  lockMs: FIFTEEN_MINUTES_MS,
};
export const ADDRESS_RULE: ThrottleRule = {
  maxFailures: 30,
  windowMs: FIFTEEN_MINUTES_MS,
  lockMs: FIFTEEN_MINUTES_MS,
};
export const SECOND_FACTOR_RULE: ThrottleRule = {
  maxFailures: 5,
  windowMs: FIFTEEN_MINUTES_MS,
  lockMs: FIFTEEN_MINUTES_MS,
};

/**
 * Keys never hold the email itself: unknown emails are throttled too (so a lock reveals
 * nothing), and a mistyped password in the email box should not be kept.
 */
export const accountKey = (email: string) => `account:${sha256Hex(email.trim().toLowerCase())}`;
export const addressKey = (address: string | null) => `address:${address ?? 'unknown'}`;
export const secondFactorKey = (userId: string) => `mfa:${userId}`;

/** The latest lock among the keys that is still in force, if any. */
export async function lockedUntil(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  keys: readonly string[],
): Promise<Date | null> {
  const rows = await deps.db.kysely
    .selectFrom('login_throttle')
    .select('locked_until')
    .where('key', 'in', [...keys])
    .where('locked_until', '>', deps.clock())
    .execute();
  const times = rows.map((r) => new Date(r.locked_until as Date).getTime());
  return times.length > 0 ? new Date(Math.max(...times)) : null;
}

/**
 * Counts one failure for `key` atomically (several API processes may race) and returns the
 * failures counted in the current window.
 */
export async function recordFailure(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  key: string,
  rule: ThrottleRule,
): Promise<number> {
  const now = deps.clock();
  const windowStart = new Date(now.getTime() - rule.windowMs);
  const lockEnd = new Date(now.getTime() + rule.lockMs);
  const stale = sql<boolean>`login_throttle.first_failure_at <= ${windowStart}`;
  const failures = sql<number>`case when ${stale} then 1 else login_throttle.failures + 1 end`;
  const row = await deps.db.kysely
    .insertInto('login_throttle')
    .values({
      key,
      failures: 1,
      first_failure_at: now,
      locked_until: rule.maxFailures <= 1 ? lockEnd : null,
    })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures,
        first_failure_at: sql`case when ${stale} then ${now}::timestamptz else login_throttle.first_failure_at end`,
        locked_until: sql`case when ${failures} >= ${rule.maxFailures} then ${lockEnd}::timestamptz else login_throttle.locked_until end`,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

export async function clearFailures(deps: Pick<AppDeps, 'db'>, key: string): Promise<void> {
  await deps.db.kysely.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/**
 * Progressive delay before answering the n-th failure: 0, 0.2, 0.4, 0.8 s ... capped at 2 s,
 * which slows guessing from one client without holding honest users up.
 */
export function failureDelayMs(failures: number): number {
  return failures <= 1 ? 0 : Math.min(100 * 2 ** (failures - 1), 2000);
}
