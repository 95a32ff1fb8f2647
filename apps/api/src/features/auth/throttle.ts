import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { sha256Hex } from './sessions.ts';

/** At most `maxAttempts` attempts per key in a fixed window of `windowMs` from the first. */
export interface ThrottleRule {
  readonly maxAttempts: number;
  readonly windowMs: number;
}

const FIFTEEN_MINUTES_MS = 15 * 60_000;
const ONE_DAY_MS = 24 * 60 * 60_000;

// Attempts are counted before the password or code is checked, so parallel requests cannot
// slip past a check that has not seen the earlier failures yet. A successful attempt clears the
// account+address pair and gives its unit back to the address and account counters.
//
// Per account and address (the pair): 5 attempts in 15 minutes, and 20 in a day. An honest user
// who mistypes is held up at their own address only; a stranger's guesses from another address
// never lock the colleague out.
export const PAIR_RULE: ThrottleRule = { maxAttempts: 5, windowMs: FIFTEEN_MINUTES_MS };
export const PAIR_DAY_RULE: ThrottleRule = { maxAttempts: 20, windowMs: ONE_DAY_MS };
// Per address, across accounts: one office (one NAT address) holds many honest users.
export const ADDRESS_RULE: ThrottleRule = { maxAttempts: 30, windowMs: FIFTEEN_MINUTES_MS };
// Per account, across addresses: the slow ceiling against guessing spread over many addresses
// (NIST SP 800-63B 5.2.2: at most 100 failed attempts). One address adds at most 20 a day, so
// reaching it takes at least five addresses for a whole day.
export const ACCOUNT_CEILING_RULE: ThrottleRule = { maxAttempts: 100, windowMs: ONE_DAY_MS };
// Second-factor codes per user (so per pending session too): 5 in 15 minutes. A guess has a 3 in
// a million chance (±1 step), so 480 a day leave an attacker about 0.14% a day.
export const SECOND_FACTOR_RULE: ThrottleRule = { maxAttempts: 5, windowMs: FIFTEEN_MINUTES_MS };

/**
 * Keys never hold the email itself: unknown emails are throttled too (so a refusal reveals
 * nothing), and a password typed into the email box should not be kept.
 */
export const accountKey = (email: string) => `account:${sha256Hex(email.trim().toLowerCase())}`;
export const addressKey = (address: string | null) => `address:${address ?? 'unknown'}`;
export const pairKey = (email: string, address: string | null) =>
  `pair:${sha256Hex(`${email.trim().toLowerCase()}\n${address ?? 'unknown'}`)}`;
export const pairDayKey = (email: string, address: string | null) =>
  `pair-day:${sha256Hex(`${email.trim().toLowerCase()}\n${address ?? 'unknown'}`)}`;
export const secondFactorKey = (userId: string) => `mfa:${userId}`;

/** One key with its rule; an attempt passes only when every step admits it. */
export interface ThrottleStep {
  readonly key: string;
  readonly rule: ThrottleRule;
}

/** The steps of a password attempt for `email` from `address`, outermost first. */
export function passwordSteps(email: string, address: string | null): ThrottleStep[] {
  return [
    { key: addressKey(address), rule: ADDRESS_RULE },
    { key: pairKey(email, address), rule: PAIR_RULE },
    { key: pairDayKey(email, address), rule: PAIR_DAY_RULE },
    { key: accountKey(email), rule: ACCOUNT_CEILING_RULE },
  ];
}

export type Admission =
  /** `attempts`: this attempt's number in each step's window, in the order of the steps. */
  | { readonly admitted: true; readonly attempts: readonly number[] }
  | { readonly admitted: false; readonly until: Date };

/**
 * Counts one attempt on `key` in a single INSERT ... ON CONFLICT ... RETURNING statement, so
 * every process and every parallel request sees a distinct count: of N parallel attempts, at
 * most `rule.maxAttempts` are admitted within a window. Returns the attempt's number in the
 * window and when the window ends.
 */
export async function countAttempt(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  key: string,
  rule: ThrottleRule,
): Promise<{ attempts: number; windowEnds: Date }> {
  const now = deps.clock();
  const stale = sql<boolean>`login_throttle.window_started_at <= ${new Date(now.getTime() - rule.windowMs)}::timestamptz`;
  const attempts = sql<number>`case when ${stale} then 1 else login_throttle.attempts + 1 end`;
  const started = sql<Date>`case when ${stale} then ${now}::timestamptz else login_throttle.window_started_at end`;
  const row = await deps.db.kysely
    .insertInto('login_throttle')
    .values({
      key,
      attempts: 1,
      window_started_at: now,
      locked_until: null,
    })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        attempts,
        window_started_at: started,
        // Kept for operators: until when the key refuses attempts (null while it admits them).
        locked_until: sql`case when ${attempts} > ${rule.maxAttempts} then ${started} + ${`${rule.windowMs} milliseconds`}::interval else null end`,
      }),
    )
    .returning(['attempts', 'window_started_at'])
    .executeTakeFirstOrThrow();
  return {
    attempts: Number(row.attempts),
    windowEnds: new Date(new Date(row.window_started_at as Date).getTime() + rule.windowMs),
  };
}

/**
 * Admits an attempt, or refuses it, before any secret is checked. Steps are counted in order and
 * a refusal stops the count, so attempts refused for their pair never reach the account's
 * ceiling: a stranger hammering one account from one address uses up only that pair and that
 * address.
 */
export async function admitAttempt(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  steps: readonly ThrottleStep[],
): Promise<Admission> {
  const counts: number[] = [];
  for (const step of steps) {
    const { attempts, windowEnds } = await countAttempt(deps, step.key, step.rule);
    if (attempts > step.rule.maxAttempts) return { admitted: false, until: windowEnds };
    counts.push(attempts);
  }
  return { admitted: true, attempts: counts };
}

/**
 * After a success: `clear` keys start afresh (the pair that just proved itself), and the
 * attempt is given back to the `refund` keys, so successes never count towards a lock.
 */
export async function settleSuccess(
  deps: Pick<AppDeps, 'db'>,
  options: { clear: readonly string[]; refund?: readonly string[] },
): Promise<void> {
  if (options.clear.length > 0)
    await deps.db.kysely.deleteFrom('login_throttle').where('key', 'in', options.clear).execute();
  if (options.refund && options.refund.length > 0)
    await deps.db.kysely
      .updateTable('login_throttle')
      .set({ attempts: sql`greatest(attempts - 1, 0)` })
      .where('key', 'in', options.refund)
      .execute();
}

/** What a correct password settles: its pair starts afresh; address and account get it back. */
export function passwordSuccess(email: string, address: string | null) {
  return {
    clear: [pairKey(email, address), pairDayKey(email, address)],
    refund: [addressKey(address), accountKey(email)],
  };
}

/**
 * Progressive delay before answering the n-th failed attempt in a window: 0, 0.2, 0.4, 0.8 s
 * ... capped at 2 s, which slows guessing from one client without holding honest users up.
 */
export function failureDelayMs(attempts: number): number {
  return attempts <= 1 ? 0 : Math.min(100 * 2 ** (attempts - 1), 2000);
}

/** The real sleeper; tests inject their own through `AppDeps.sleep`. */
export function realSleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
