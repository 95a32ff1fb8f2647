import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '@hotspot/db';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { serialize } from 'hono/utils/cookie';
import type { Kysely } from 'kysely';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { createGroupRead } from '../../http/group-read.ts';

/** A session as the access-policy middleware loads it for each request. */
export interface LoadedSession {
  readonly idHash: string;
  readonly user: SessionUser;
  /** False while the password is given but the second factor is not (yet). */
  readonly mfaPassed: boolean;
  readonly createdAt: Date;
}

export type SessionRefusal = 'none' | 'expired' | 'revoked';

// Between the password and the second factor: long enough to open an authenticator app,
// short enough that a half-signed-in session on a shared machine soon dies.
const PENDING_SESSION_MS = 10 * 60_000;

// Writing last_seen_at on every request would turn every read into a write; a minute of
// slack on a 30-minute idle timeout is immaterial.
const LAST_SEEN_GRANULARITY_MS = 60_000;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** 256 random bits, base64url: the only secret the browser holds. */
function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * `__Host-session` whenever the browser talks https (directly, or to the TLS proxy named by
 * PUBLIC_ORIGIN): the prefix makes browsers refuse the cookie unless Secure, Path=/ and
 * host-only, so a sibling subdomain cannot plant one.
 */
export function sessionCookie(c: Context, deps: Pick<AppDeps, 'env'>) {
  const secure =
    new URL(c.req.url).protocol === 'https:' ||
    (deps.env.PUBLIC_ORIGIN?.startsWith('https:') ?? false);
  return { name: secure ? '__Host-session' : 'session', secure } as const;
}

export function readSessionToken(c: Context, deps: Pick<AppDeps, 'env'>): string | undefined {
  return getCookie(c, sessionCookie(c, deps).name) || undefined;
}

function writeSessionCookie(c: Context, deps: Pick<AppDeps, 'env'>, token: string): void {
  const cookie = sessionCookie(c, deps);
  // No Max-Age: a browser session cookie; the server enforces idle and absolute limits.
  setCookie(c, cookie.name, token, {
    path: '/',
    httpOnly: true,
    secure: cookie.secure,
    sameSite: 'Strict',
  });
}

/** A Set-Cookie value that makes the browser drop its session cookie. */
export function clearSessionCookieHeader(c: Context, deps: Pick<AppDeps, 'env'>): string {
  const cookie = sessionCookie(c, deps);
  return serialize(cookie.name, '', {
    path: '/',
    maxAge: 0,
    httpOnly: true,
    secure: cookie.secure,
    sameSite: 'Strict',
  });
}

export function clearSessionCookie(c: Context, deps: Pick<AppDeps, 'env'>): void {
  c.header('set-cookie', clearSessionCookieHeader(c, deps), { append: true });
}

/**
 * Starts a new session (always a new id: no fixation) and sets its cookie. The session the
 * request arrived with, if any, is ended first.
 */
export async function startSession(
  deps: AppDeps,
  c: Context,
  input: { userId: string; partnershipId: string; mfaPassed: boolean; address: string | null },
): Promise<string> {
  const previous = readSessionToken(c, deps);
  if (previous)
    await deps.db.kysely.deleteFrom('session').where('id_hash', '=', sha256Hex(previous)).execute();
  const token = newSessionToken();
  const now = deps.clock();
  const idHash = sha256Hex(token);
  await deps.db.kysely
    .insertInto('session')
    .values({
      id_hash: idHash,
      user_id: input.userId,
      partnership_id: input.partnershipId,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + deps.env.SESSION_ABSOLUTE_HOURS * 3_600_000),
      mfa_passed: input.mfaPassed,
      csrf_token: randomBytes(24).toString('base64url'),
      address: input.address,
      user_agent: c.req.header('user-agent')?.slice(0, 300) ?? null,
    })
    .execute();
  writeSessionCookie(c, deps, token);
  return idHash;
}

/**
 * Gives the current session a new id (after the second factor, or a password change), keeping
 * its start time so the absolute timeout still counts from sign-in.
 */
export async function rotateSession(
  deps: AppDeps,
  c: Context,
  idHash: string,
  changes: { mfaPassed?: boolean } = {},
): Promise<string> {
  const token = newSessionToken();
  const newHash = sha256Hex(token);
  await deps.db.kysely
    .updateTable('session')
    .set({
      id_hash: newHash,
      last_seen_at: deps.clock(),
      ...(changes.mfaPassed !== undefined ? { mfa_passed: changes.mfaPassed } : {}),
    })
    .where('id_hash', '=', idHash)
    .execute();
  writeSessionCookie(c, deps, token);
  return newHash;
}

function selectSessions(kysely: Kysely<Database>) {
  return kysely
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .innerJoin('agency', 'agency.id', 'app_user.agency_id')
    .select([
      'session.id_hash',
      'session.created_at',
      'session.last_seen_at',
      'session.expires_at',
      'session.mfa_passed',
      'app_user.id as user_id',
      'app_user.email',
      'app_user.display_name',
      'app_user.role',
      'app_user.partnership_id',
      'app_user.disabled',
      'app_user.sessions_valid_from',
      'agency.id as agency_id',
      'agency.code as agency_code',
    ]);
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof selectSessions>['executeTakeFirst']>>;

// One grouped reader per database handle (so per pool): the sessions of requests that arrive
// while a lookup is in flight are read together by the next one (http/group-read.ts), so under
// load every request still sees its session as committed when it arrived, for a fraction of a
// round trip each.
const sessionReaders = new WeakMap<
  Kysely<Database>,
  (idHash: string) => Promise<SessionRow | undefined>
>();

function sessionRow(kysely: Kysely<Database>, idHash: string): Promise<SessionRow | undefined> {
  // Inside a transaction the lookup must run on it (and sees its uncommitted changes).
  if (kysely.isTransaction) {
    return selectSessions(kysely).where('session.id_hash', '=', idHash).executeTakeFirst();
  }
  let read = sessionReaders.get(kysely);
  if (!read) {
    read = createGroupRead(async (hashes: readonly string[]) => {
      const rows = await selectSessions(kysely)
        .where('session.id_hash', 'in', [...hashes])
        .execute();
      return new Map(rows.map((r) => [r.id_hash, r]));
    });
    sessionReaders.set(kysely, read);
  }
  return read(idHash);
}

/** Loads and validates the request's session; refreshes its idle timer. */
export async function loadSession(
  deps: AppDeps,
  c: Context,
): Promise<{ session: LoadedSession } | { refused: SessionRefusal }> {
  const token = readSessionToken(c, deps);
  if (!token || token.length > 100) return { refused: 'none' };
  const idHash = sha256Hex(token);
  const row = await sessionRow(deps.db.kysely, idHash);
  if (!row) return { refused: 'none' };
  const now = deps.clock();
  const idleLimitMs = deps.env.SESSION_IDLE_MINUTES * 60_000;
  const expired =
    now.getTime() >= new Date(row.expires_at).getTime() ||
    (!row.mfa_passed && now.getTime() - new Date(row.created_at).getTime() >= PENDING_SESSION_MS) ||
    now.getTime() - new Date(row.last_seen_at).getTime() >= idleLimitMs;
  const revoked =
    row.disabled ||
    (row.sessions_valid_from !== null &&
      new Date(row.created_at).getTime() < new Date(row.sessions_valid_from).getTime());
  if (expired || revoked) {
    await deps.db.kysely.deleteFrom('session').where('id_hash', '=', idHash).execute();
    return { refused: revoked ? 'revoked' : 'expired' };
  }
  if (now.getTime() - new Date(row.last_seen_at).getTime() >= LAST_SEEN_GRANULARITY_MS) {
    await deps.db.kysely
      .updateTable('session')
      .set({ last_seen_at: now })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return {
    session: {
      idHash,
      mfaPassed: row.mfa_passed,
      createdAt: new Date(row.created_at),
      user: {
        id: row.user_id,
        email: row.email,
        name: row.display_name,
        role: row.role,
        partnershipId: row.partnership_id,
        agencyId: row.agency_id,
        agencyCode: row.agency_code,
      },
    },
  };
}

/**
 * Ends every session of a user now, in this process and all others: rows are deleted and
 * sessions_valid_from makes any row still in flight invalid.
 */
export async function endUserSessions(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  userId: string,
  options: { keepIdHash?: string } = {},
): Promise<void> {
  const now = deps.clock();
  let del = deps.db.kysely.deleteFrom('session').where('user_id', '=', userId);
  if (options.keepIdHash) del = del.where('id_hash', '!=', options.keepIdHash);
  await del.execute();
  if (!options.keepIdHash) {
    await deps.db.kysely
      .updateTable('app_user')
      .set({ sessions_valid_from: now })
      .where('id', '=', userId)
      .execute();
  }
}
