import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Role } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { pooledPglite, testDatabases, testRunDir } from '@hotspot/db/testing';
import { createApp } from '../../../api/src/app.ts';
import type { AppDeps } from '../../../api/src/deps.ts';
import { loadEnv } from '../../../api/src/env.ts';
import { type DemoResult, ensureDemo } from '../../../api/src/features/demo/index.ts';
import { createLogger } from '../../../api/src/http/logger.ts';
import { TEST_AUDIT_KEYRING, TEST_PASSWORD_HASH } from '../../../api/src/testing/fixtures.ts';

export interface TestServerUser {
  readonly role: Role;
  readonly email: string;
  readonly password: string;
}

export interface TestServer {
  /** Base URL without a trailing slash, e.g. "http://127.0.0.1:41234". */
  readonly url: string;
  /** The demo's sign-ins, one per role (empty with `seed: 'none'`). */
  readonly users: readonly TestServerUser[];
  /** Sign-in of the demo user with this role (throws with `seed: 'none'`). */
  user(role: Role): TestServerUser;
  /** The API's dependencies: `deps.db.kysely` to arrange data, `deps.env`, ... */
  readonly deps: AppDeps;
  /** The demo partnership's id (undefined with `seed: 'none'`). */
  readonly partnershipId: string | undefined;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** 'demo' (default): the synthetic North Worcestershire partnership and one user per role. */
  readonly seed?: 'demo' | 'none';
  /** Synthetic records in the demo (default 300: enough to draw, quick to seed). */
  readonly recordCount?: number;
  /** Extra environment for the API (strings, as in process.env). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The real API and the built web app on a random local port, over a fresh migrated PGlite
 * database: what a browser test signs in to. Tiles point at a closed local port so they fail
 * fast and offline. One per test file: start in beforeAll, close in afterAll.
 * Example: `const server = await startTestServer(); await page.goto(`${server.url}/sign-in`)`.
 */
function openEmptyDatabase(): Promise<Db> {
  const database = testDatabases()[0];
  if (!database) throw new Error('no test database configured');
  return database.open();
}

interface SeededDemo {
  readonly dump: Blob;
  readonly demo: Pick<DemoResult, 'partnershipId' | 'users'>;
}

// Seeding the demo on PGlite takes seconds, and a run starts many test servers with the same
// record counts: each count is seeded once per run (by whichever test process asks first, the
// others wait for its dump in the run's folder), and every server gets that database's dump.
// The records sit where they would have been seeded today, so a copy made minutes later is the
// same.
const seededDemos = new Map<number, Promise<SeededDemo>>();

function seededDemo(recordCount: number): Promise<SeededDemo> {
  let entry = seededDemos.get(recordCount);
  if (!entry) {
    entry = sharedSeededDemo(recordCount);
    // A failed seed is not remembered: the next server tries again and reports its own error.
    entry.catch(() => seededDemos.delete(recordCount));
    seededDemos.set(recordCount, entry);
  }
  return entry;
}

// Another process seeding the same count has this long to finish before waiting gives up.
const SEED_WAIT_MS = 10 * 60_000;

async function sharedSeededDemo(recordCount: number): Promise<SeededDemo> {
  const base = join(testRunDir(), `demo-${recordCount}`);
  const started = Date.now();
  for (;;) {
    // The description is written last: once it exists, the dump beside it is whole.
    if (existsSync(`${base}.json`)) {
      return {
        dump: new Blob([readFileSync(`${base}.tar`)]),
        demo: JSON.parse(readFileSync(`${base}.json`, 'utf8')) as SeededDemo['demo'],
      };
    }
    let lock: number;
    try {
      lock = openSync(`${base}.lock`, 'wx');
    } catch {
      if (Date.now() - started > SEED_WAIT_MS) {
        throw new Error(`another test process did not finish seeding ${base} in time`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      const seeded = await seedDemo(recordCount);
      writeFileSync(`${base}.tar.part`, Buffer.from(await seeded.dump.arrayBuffer()));
      renameSync(`${base}.tar.part`, `${base}.tar`);
      writeFileSync(`${base}.json.part`, JSON.stringify(seeded.demo));
      renameSync(`${base}.json.part`, `${base}.json`);
      return seeded;
    } catch (error) {
      // Another process may seed it instead.
      rmSync(`${base}.lock`, { force: true });
      throw error;
    } finally {
      closeSync(lock);
    }
  }
}

async function seedDemo(recordCount: number): Promise<SeededDemo> {
  const db = await openEmptyDatabase();
  try {
    const demo = await ensureDemo(
      {
        db,
        clock: () => new Date(),
        newId: randomUUID,
        passwordHashOptions: TEST_PASSWORD_HASH,
      },
      { recordCount },
    );
    if (!db.pglite) throw new Error('the test server runs on PGlite');
    return {
      dump: await db.pglite.dumpDataDir('none'),
      demo: { partnershipId: demo.partnershipId, users: demo.users },
    };
  } finally {
    await db.close();
  }
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const seed = options.seed ?? 'demo';
  const recordCount = options.recordCount ?? 300;
  const seeded = seed === 'demo' ? await seededDemo(recordCount) : undefined;
  const db = seeded
    ? await pooledPglite(`demo:${recordCount}`, () => seeded.dump)
    : await openEmptyDatabase();
  try {
    const env = loadEnv({
      ...process.env,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      TILE_URL: 'http://127.0.0.1:9/{z}/{x}/{y}.png',
      DATABASE_URL: undefined,
      PUBLIC_ORIGIN: undefined,
      ...options.env,
    });
    const deps: AppDeps = {
      db,
      env,
      logger: createLogger('silent'),
      clock: () => new Date(),
      newId: randomUUID,
      auditKeys: TEST_AUDIT_KEYRING,
      passwordHashOptions: TEST_PASSWORD_HASH,
    };
    const demo = seeded?.demo;
    const app = createApp(deps);
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    // Node closes an idle keep-alive connection after 5 s, and a test's fetch that picks the
    // connection up at that moment on a busy machine fails with "other side closed". Idle
    // connections stay open for the test's lifetime instead; close() drops them all.
    if ('keepAliveTimeout' in server) server.keepAliveTimeout = 10 * 60_000;
    await new Promise<void>((resolve, reject) => {
      if (server.listening) resolve();
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    const users = demo?.users ?? [];
    return {
      url: `http://127.0.0.1:${port}`,
      users,
      user: (role) => {
        const found = users.find((u) => u.role === role);
        if (!found) throw new Error(`the test server has no ${role} user (seed: 'none'?)`);
        return found;
      },
      deps,
      partnershipId: demo?.partnershipId,
      close: async () => {
        // Browsers keep connections alive; drop them so close() does not wait for a timeout.
        if ('closeAllConnections' in server) server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
