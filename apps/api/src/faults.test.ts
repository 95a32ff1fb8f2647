import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@hotspot/db';
import { migratedPgliteFolder, startPrivatePostgres } from '@hotspot/db/testing';
import { generateSyntheticNativeCsv } from '@hotspot/ingest';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEMO_AGENCIES,
  DEMO_CATEGORIES,
  DEMO_PLACE_TYPES,
  loadDemoBoundaries,
} from './features/demo/index.ts';
import { baseUrlOf, type ServerProcess, startServerProcess } from './testing/server-process.ts';

// Fault tests against the real entry point in a child process (issue 10).
const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

interface Server extends ServerProcess {
  readonly base: string;
}

/** The server on a migrated folder: these tests are about faults, not the first start. */
async function startServer(dataDir: string): Promise<Server> {
  const server = startServerProcess({ DATA_DIR: dataDir, SEED_DEMO: 'true' });
  return Object.assign(server, { base: await baseUrlOf(server) });
}

async function signIn(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
  return cookie;
}

describe('faults on the embedded database', () => {
  it('kill -9 during a batch commit leaves the batch wholly present or wholly absent, and committing again works', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hotspot-fault-'));
    folders.push(dataDir);
    await migratedPgliteFolder(dataDir);
    const first = await startServer(dataDir);
    const password = /analyst\s+analyst@demo\.invalid\s+(\S+)/.exec(first.output())![1]!;
    let cookie = await signIn(first.base, 'analyst@demo.invalid', password);
    const csv = generateSyntheticNativeCsv({
      rows: 10_000,
      seed: 7,
      area: loadDemoBoundaries().districts,
      categories: DEMO_CATEGORIES.slice(0, 7).map((c) => c.code),
      placeTypes: DEMO_PLACE_TYPES.map((p) => p.code),
      agencies: DEMO_AGENCIES.map((a) => a.code),
      latestDate: new Date().toISOString().slice(0, 10),
    });
    const upload = await fetch(`${first.base}/api/batches?profile=native-csv&fileName=fault.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', origin: first.base, cookie },
      body: csv,
    });
    expect(upload.status).toBe(201);
    const batch = (await upload.json()) as { id: string; rows: { valid: number } };
    expect(batch.rows.valid).toBeGreaterThan(9_500);

    // The commit is in flight when the process is killed without any chance to clean up.
    const commit = fetch(`${first.base}/api/batches/${batch.id}/commit`, {
      method: 'POST',
      headers: { origin: first.base, cookie },
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 150));
    first.child.kill('SIGKILL');
    await first.exited;
    await commit;

    const second = await startServer(dataDir);
    cookie = await signIn(second.base, 'analyst@demo.invalid', password);
    const state = (await (
      await fetch(`${second.base}/api/batches/${batch.id}`, { headers: { cookie } })
    ).json()) as { status: string };
    const again = await fetch(`${second.base}/api/batches/${batch.id}/commit`, {
      method: 'POST',
      headers: { origin: second.base, cookie },
    });
    if (state.status === 'validated') {
      expect(again.status).toBe(200);
      expect(((await again.json()) as { recordsAdded: number }).recordsAdded).toBe(
        batch.rows.valid,
      );
    } else {
      expect(state.status).toBe('committed');
      expect(again.status).toBe(409);
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const db = await createDb({ dataDir });
    try {
      const rows = await db.kysely
        .selectFrom('intelligence_record')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('batch_id', '=', batch.id)
        .executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(batch.rows.valid);
    } finally {
      await db.close();
    }
  }, 400_000);

  it('SIGTERM during an upload shuts down cleanly, keeps nothing of the upload and leaves the folder intact', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hotspot-fault-'));
    folders.push(dataDir);
    await migratedPgliteFolder(dataDir);
    const first = await startServer(dataDir);
    const password = /analyst\s+analyst@demo\.invalid\s+(\S+)/.exec(first.output())![1]!;
    const cookie = await signIn(first.base, 'analyst@demo.invalid', password);
    const csv = generateSyntheticNativeCsv({
      rows: 5_000,
      seed: 9,
      area: loadDemoBoundaries().districts,
      categories: DEMO_CATEGORIES.slice(0, 7).map((c) => c.code),
      placeTypes: DEMO_PLACE_TYPES.map((p) => p.code),
      agencies: DEMO_AGENCIES.map((a) => a.code),
      latestDate: new Date().toISOString().slice(0, 10),
    });
    const bytes = new TextEncoder().encode(csv);
    // The body trickles in, so the signal lands while the upload is being read and staged.
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 16_384) {
          controller.enqueue(bytes.slice(offset, offset + 16_384));
          await new Promise((r) => setTimeout(r, 40));
        }
        controller.close();
      },
    });
    const upload = fetch(`${first.base}/api/batches?profile=native-csv&fileName=sigterm.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', origin: first.base, cookie },
      body,
      duplex: 'half',
    } as RequestInit).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await upload;

    const db = await createDb({ dataDir });
    try {
      const batches = await db.kysely
        .selectFrom('batch')
        .select(['id', 'status'])
        .where('file_name', '=', 'sigterm.csv')
        .execute();
      const staged = await db.kysely
        .selectFrom('batch_row')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      // Either the upload finished before the shutdown (a whole validated batch) or nothing.
      if (batches.length === 0) expect(Number(staged.n)).toBe(0);
      else expect(batches[0]!.status).toBe('validated');
      const records = await db.kysely
        .selectFrom('intelligence_record')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(records.n)).toBe(2400);
    } finally {
      await db.close();
    }
  }, 400_000);
});

interface Answer {
  readonly path: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly type?: string;
  readonly sent: number;
  readonly at: number;
}

// Its own PostgreSQL server (pg_ctl), so stopping it does not disturb the shared server the
// other test files use; runs with the PostgreSQL half of the matrix.
describe.skipIf(!process.env.TEST_DATABASE_URL)('faults on PostgreSQL', () => {
  it('PostgreSQL restarted under traffic: requests answer 503 problem+json, then recover without restarting the API', async () => {
    const pg = await startPrivatePostgres();
    const server = startServerProcess({ DATABASE_URL: pg.url, SEED_DEMO: 'true' });
    try {
      const base = await baseUrlOf(server);
      const password = /chair\s+chair@demo\.invalid\s+(\S+)/.exec(server.output())![1]!;
      const cookie = await signIn(base, 'chair@demo.invalid', password);
      const paths = ['/api/health', '/api/layers/hexagons?sizeMeters=250', '/api/hotspots'];
      const answers: Answer[] = [];
      const inFlight = new Map<symbol, { path: string; sent: number }>();
      let running = true;
      const client = async (index: number) => {
        while (running) {
          const path = paths[index % paths.length]!;
          const sent = Date.now();
          const ticket = Symbol(path);
          inFlight.set(ticket, { path, sent });
          try {
            const response = await fetch(`${base}${path}`, {
              headers: { cookie },
              signal: AbortSignal.timeout(15_000),
            });
            const contentType = response.headers.get('content-type');
            const body = await response.text();
            answers.push({
              path,
              status: response.status,
              contentType,
              type: contentType === 'application/problem+json' ? JSON.parse(body).type : undefined,
              sent,
              at: Date.now(),
            });
          } catch (error) {
            // No answer within 15 s (or a dropped connection): recorded, and fails the test below.
            answers.push({
              path,
              status: 0,
              contentType: null,
              type: String(error),
              sent,
              at: Date.now(),
            });
          } finally {
            inFlight.delete(ticket);
          }
        }
      };
      const clients = Array.from({ length: 9 }, (_, i) => client(i));
      const seen = (status: number, after: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setInterval(() => {
            if (answers.some((a) => a.at > after && a.status === status)) {
              clearInterval(timer);
              resolve();
            } else if (Date.now() - after > 60_000) {
              clearInterval(timer);
              reject(new Error(`no ${status} within 60 s`));
            }
          }, 50);
        });
      await seen(200, Date.now());
      const stoppedAt = Date.now();
      await pg.stop();
      await seen(503, stoppedAt);
      await new Promise((r) => setTimeout(r, 1_000));
      const restartedAt = Date.now();
      await pg.start();
      // Every path answers 200 again from the same API process. Should one not, the failure
      // also says what the process was waiting on then (SIGUSR2: statements and connection waits,
      // no data) and its last log lines.
      const recovered = async () => {
        for (const path of paths) {
          await expect
            .poll(
              // On failure: whether the API process died (it must not), else what this path was
              // answered since the restart (statuses and problem types: no data).
              () =>
                server.child.exitCode !== null
                  ? 'exited'
                  : answers.some(
                      (a) => a.path === path && a.at > restartedAt && a.status === 200,
                    ) ||
                    `${path}: ${answers
                      .filter((a) => a.path === path && a.at > restartedAt)
                      .slice(-5)
                      .map((a) => `${a.status} ${a.type ?? ''} after ${a.at - a.sent} ms`)
                      .join('; ')}; waiting: ${[...inFlight.values()]
                      .filter((w) => w.path === path)
                      .map((w) => `${Date.now() - w.sent} ms`)
                      .join(', ')}`,
              {
                timeout: 60_000,
                interval: 100,
              },
            )
            .toBe(true);
        }
      };
      try {
        await recovered();
      } catch (error) {
        server.child.kill('SIGUSR2');
        const activity = await server
          .waitFor(/\{[^\n]*"msg":"database activity"[^\n]*\}/, 10_000)
          .then(
            ([line]) => line,
            () => 'no answer to SIGUSR2',
          );
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}\n${activity}\nlast log lines:\n${server
            .output()
            .split('\n')
            // The JSON log lines only: the start also prints the demo's passwords.
            .filter((line) => line.startsWith('{'))
            .slice(-10)
            .join('\n')}`,
        );
      }
      const recoveredAt = Date.now();
      await new Promise((r) => setTimeout(r, 1_000));
      running = false;
      await Promise.all(clients);

      expect(server.child.exitCode).toBeNull();
      const unexpected = answers.filter((a) => a.status !== 200 && a.status !== 503);
      expect(unexpected).toEqual([]);
      const outages = answers.filter((a) => a.status === 503);
      expect(outages.length).toBeGreaterThan(0);
      for (const answer of outages) {
        expect(answer.contentType).toBe('application/problem+json');
        expect(answer.type).toBe('urn:problem:database-unavailable');
      }
      // Once recovered, it stays recovered: every request sent after that is answered 200.
      const afterRecovery = answers.filter((a) => a.sent >= recoveredAt);
      expect(afterRecovery.length).toBeGreaterThan(0);
      expect(afterRecovery.filter((a) => a.status !== 200)).toEqual([]);
      // The session survived (it lives in PostgreSQL), a new sign-in writes again, and the
      // audit chain written across the outage still verifies.
      const admin = /admin\s+admin@demo\.invalid\s+(\S+)/.exec(server.output())![1]!;
      const adminCookie = await signIn(base, 'admin@demo.invalid', admin);
      const verify = await fetch(`${base}/api/audit/verify`, { headers: { cookie: adminCookie } });
      expect(verify.status).toBe(200);
      expect(await verify.json()).toMatchObject({ ok: true });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await pg.close();
    }
  }, 400_000);
});
