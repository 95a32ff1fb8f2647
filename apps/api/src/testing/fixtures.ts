import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { createApp } from '../app.ts';
import type { AppDeps } from '../deps.ts';
import { type Env, loadEnv } from '../env.ts';
import { createUser } from '../features/accounts/index.ts';
import type { PasswordHashOptions } from '../features/auth/index.ts';
import { totpCodeAt } from '../features/auth/index.ts';
import { createLogger } from '../http/logger.ts';
import { TEST_AUDIT_KEYRING } from './audit-key.ts';
import { validateResponses } from './response-validator.ts';

export { TEST_AUDIT_KEY, TEST_AUDIT_KEYRING } from './audit-key.ts';

/** The origin `app.request('/path')` requests come from; state-changing calls must send it. */
export const TEST_ORIGIN = 'http://localhost:8787';

// argon2id at its minimum cost: tests sign in hundreds of times. Production keeps OWASP's.
export const TEST_PASSWORD_HASH: PasswordHashOptions = {
  memoryCost: 64,
  timeCost: 1,
  parallelism: 1,
};

/** A clock the test moves by hand: `clock.advance(31 * 60_000)`. */
export interface TestClock {
  (): Date;
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function createTestClock(start: Date | string = '2025-03-01T09:00:00Z'): TestClock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (at) => {
    now = new Date(at).getTime();
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export type TestApp = ReturnType<typeof createApp>;

/**
 * An app over `db` with a silent logger, fast password hashing and (optionally) a test clock;
 * every response is checked against its route's OpenAPI schema (see response-validator.ts).
 * Example: `const { app, deps } = createTestApp(db, { clock: createTestClock() })`.
 */
export function createTestApp(
  db: Db,
  options: {
    clock?: () => Date;
    env?: Partial<Record<keyof Env, string>>;
    /** Replaces the sign-in backoff; by default tests do not sleep. */
    sleep?: (ms: number) => Promise<void>;
    verifyPassword?: AppDeps['verifyPassword'];
  } = {},
): { app: TestApp; deps: AppDeps } {
  const deps: AppDeps = {
    db,
    env: loadEnv({
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'false',
      // Each app its own checkpoint folder, so no test reads another's (or a dev server's).
      AUDIT_CHECKPOINT_DIR: mkdtempSync(join(tmpdir(), 'hotspot-audit-')),
      ...options.env,
    }),
    logger: createLogger('silent'),
    clock: options.clock ?? (() => new Date()),
    newId: randomUUID,
    auditKeys: TEST_AUDIT_KEYRING,
    passwordHashOptions: TEST_PASSWORD_HASH,
    sleep: options.sleep ?? (() => Promise.resolve()),
    ...(options.verifyPassword ? { verifyPassword: options.verifyPassword } : {}),
  };
  // Every response is checked against its route's OpenAPI schema; a mismatch fails the test.
  return { app: validateResponses(createApp(deps)), deps };
}

export interface SeededUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly role: Role;
  readonly agencyCode: string;
  /** Base32 TOTP secret when the partnership required a second factor at creation. */
  readonly totpSecret: string | null;
}

export interface SeededPartnership {
  readonly partnershipId: string;
  /** Agency ids by code: POL, BDC, RBC, WFDC, WRS, CHS. */
  readonly agencies: Readonly<Record<string, string>>;
  /** One user per role. */
  readonly users: Readonly<Record<Role, SeededUser>>;
}

const TEST_AGENCIES = [
  { code: 'POL', name: 'West Mercia Police', kind: 'police' },
  { code: 'BDC', name: 'Bromsgrove District Council', kind: 'council' },
  { code: 'RBC', name: 'Redditch Borough Council', kind: 'council' },
  { code: 'WFDC', name: 'Wyre Forest District Council', kind: 'council' },
  { code: 'WRS', name: 'Worcestershire Regulatory Services', kind: 'regulatory' },
  { code: 'CHS', name: "Worcestershire Children's Services", kind: 'children' },
] as const;

const TEST_USERS: readonly { role: Role; agencyCode: string; password: string }[] = [
  { role: 'admin', agencyCode: 'BDC', password: 'Admin-quokka-tangerine-81' },
  { role: 'analyst', agencyCode: 'POL', password: 'Analyst-heron-marmalade-27' },
  { role: 'chair', agencyCode: 'WFDC', password: 'Chair-otter-lighthouse-64' },
  { role: 'partner', agencyCode: 'WRS', password: 'Partner-badger-cinnamon-39' },
  { role: 'viewer', agencyCode: 'RBC', password: 'Viewer-falcon-porridge-52' },
];

/**
 * A partnership with six agencies, a small taxonomy and one user per role (emails
 * `<role>@<slug>.test`, passwords in `users[role].password`). `mfaRequired` defaults to false
 * so tests sign in with a password only; with true, users get TOTP secrets.
 */
export async function seedPartnership(
  deps: AppDeps,
  options: { mfaRequired?: boolean; slug?: string; suppressionK?: number } = {},
): Promise<SeededPartnership> {
  const slug = options.slug ?? 'test-csp';
  const partnershipId = deps.newId();
  const kysely = deps.db.kysely;
  await kysely
    .insertInto('partnership')
    .values({
      id: partnershipId,
      slug,
      name: `Test partnership ${slug}`,
      area: null,
      mfa_required: options.mfaRequired ?? false,
      suppression_k: options.suppressionK ?? 3,
    })
    .execute();
  const agencies: Record<string, string> = {};
  for (const agency of TEST_AGENCIES) {
    agencies[agency.code] = deps.newId();
    await kysely
      .insertInto('agency')
      .values({ id: agencies[agency.code]!, partnership_id: partnershipId, ...agency, email: null })
      .execute();
  }
  await kysely
    .insertInto('category')
    .values([
      {
        partnership_id: partnershipId,
        code: 'concern-premises',
        label: 'Concern about premises',
        description: null,
      },
      {
        partnership_id: partnershipId,
        code: 'older-males-with-children',
        label: 'Older males seen with children',
        description: null,
      },
      {
        partnership_id: partnershipId,
        code: 'exploitation-other',
        label: 'Other exploitation concern',
        description: null,
      },
    ])
    .execute();
  await kysely
    .insertInto('place_type')
    .values([
      {
        partnership_id: partnershipId,
        code: 'licensed-premises',
        label: 'Licensed premises',
        description: null,
      },
      { partnership_id: partnershipId, code: 'takeaway', label: 'Takeaway', description: null },
      { partnership_id: partnershipId, code: 'hotel', label: 'Hotel or B&B', description: null },
      {
        partnership_id: partnershipId,
        code: 'park',
        label: 'Park or open space',
        description: null,
      },
    ])
    .execute();
  await kysely
    .insertInto('police_uk_mapping')
    .values([
      {
        partnership_id: partnershipId,
        crime_type: 'Other crime',
        category_code: 'exploitation-other',
      },
    ])
    .execute();
  const users = {} as Record<Role, SeededUser>;
  for (const u of TEST_USERS) {
    const email = `${u.role}@${slug}.test`;
    const created = await createUser(deps, {
      partnershipId,
      email,
      name: `Test ${u.role}`,
      role: u.role,
      agencyCode: u.agencyCode,
      password: u.password,
    });
    users[u.role] = { ...u, id: created.id, email, totpSecret: created.totpSecret };
  }
  return { partnershipId, agencies, users };
}

export interface RequestOptions {
  readonly cookie?: string;
  /** Sent as a JSON body. */
  readonly json?: unknown;
  /** A raw body (e.g. malformed JSON); sent with content-type application/json unless overridden. */
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Omit the Origin header (to test CSRF refusal). */
  readonly noOrigin?: boolean;
}

/**
 * One in-process request, as the web app would make it (same Origin).
 * Example: `await request(app, 'PATCH', '/api/admin/settings', { cookie, json: { suppressionK: 4 } })`.
 */
export function request(
  app: TestApp,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    ...(options.noOrigin ? {} : { origin: TEST_ORIGIN }),
    ...(options.cookie ? { cookie: options.cookie } : {}),
    ...(options.json !== undefined || options.body !== undefined
      ? { 'content-type': 'application/json' }
      : {}),
    ...options.headers,
  };
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
  return Promise.resolve(
    app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) }),
  );
}

/** "name=value" of the session cookie a response sets, or undefined (also when it clears it). */
export function sessionCookieFrom(response: Response): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const match = /^((?:__Host-)?session)=([^;]*)/.exec(header);
    if (match?.[2]) return `${match[1]}=${match[2]}`;
  }
  return undefined;
}

/**
 * Signs in and returns the cookie header to send, e.g. "session=abc". Gives the second factor
 * too when the login asks for one and `totpSecret` is given (a code for `at`, default now;
 * with an injected clock pass the clock's time, and move it 30 s between sign-ins of the same
 * user, since a TOTP code is accepted once).
 */
export async function signIn(
  app: TestApp,
  email: string,
  password: string,
  options: { totpSecret?: string | null; at?: Date } = {},
): Promise<string> {
  const login = await request(app, 'POST', '/api/auth/login', { json: { email, password } });
  if (login.status !== 200)
    throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = sessionCookieFrom(login);
  if (!cookie) throw new Error('sign-in set no session cookie');
  const { mfaRequired } = (await login.json()) as { mfaRequired: boolean };
  if (!mfaRequired || !options.totpSecret) return cookie;
  const code = totpCodeAt(options.totpSecret, options.at ?? new Date());
  const mfa = await request(app, 'POST', '/api/auth/mfa', { cookie, json: { code } });
  if (mfa.status !== 200)
    throw new Error(`second factor failed: ${mfa.status} ${await mfa.text()}`);
  return sessionCookieFrom(mfa) ?? cookie;
}
