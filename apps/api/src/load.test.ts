import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { generateSyntheticNativeCsv } from '@hotspot/ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from './features/audit/index.ts';
import {
  DEMO_AGENCIES,
  DEMO_CATEGORIES,
  DEMO_PLACE_TYPES,
  ensureDemo,
  loadDemoBoundaries,
} from './features/demo/index.ts';
import { TEST_AUDIT_KEYRING } from './testing/audit-key.ts';
import { TEST_PASSWORD_HASH } from './testing/fixtures.ts';
import { baseUrlOf, startServerProcess } from './testing/server-process.ts';

// Issue 10: two API processes on one PostgreSQL, 50 concurrent clients mixing layer reads,
// action acknowledgements and a batch commit. Zero 5xx, every acknowledged write present
// afterwards, the audit chain whole. Needs PostgreSQL: two processes cannot share PGlite.
const postgres = testDatabases().find((t) => t.kind === 'postgres');
// Bounded by work, not by time: the clients share this many requests, and keep going until the
// batch commit that runs among them has finished, however fast or slow the machine is.
const REQUESTS = Number(process.env.LOAD_TEST_REQUESTS ?? 2000);
const ACTIONS = 150;
const CLIENTS = 50;

async function startProcess(databaseUrl: string): Promise<{ child: ChildProcess; base: string }> {
  const server = startServerProcess({ DATABASE_URL: databaseUrl, SEED_DEMO: 'false' });
  return { child: server.child, base: await baseUrlOf(server) };
}

describe.skipIf(!postgres)('load without loss: two API processes on one PostgreSQL', () => {
  let url: string;
  let db: Db;
  let users: Record<string, { email: string; password: string }>;
  let partnerAgencyId: string;
  const processes: { child: ChildProcess; base: string }[] = [];
  const actionIds: string[] = [];

  beforeAll(async () => {
    url = await postgres!.createUrl!();
    db = await createDb({ databaseUrl: url });
    // The synthetic demo: its area, taxonomy, agencies, one user per role and background records.
    const demo = await ensureDemo(
      { db, clock: () => new Date(), newId: randomUUID, passwordHashOptions: TEST_PASSWORD_HASH },
      { recordCount: 3000 },
    );
    users = Object.fromEntries(demo.users.map((u) => [u.role, u]));
    const wrs = await db.kysely
      .selectFrom('agency')
      .select('id')
      .where('code', '=', 'WRS')
      .executeTakeFirstOrThrow();
    partnerAgencyId = wrs.id;
    processes.push(await startProcess(url), await startProcess(url));
  }, 240_000);

  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => new Promise((r) => p.child.once('exit', r))));
    await db?.close();
  });

  it(`serves ${CLIENTS} clients ${REQUESTS} requests and a batch commit with no 5xx and loses no acknowledged write`, async () => {
    const a = processes[0]!;
    const b = processes[1]!;
    const signIn = async (base: string, role: 'analyst' | 'chair' | 'partner' | 'viewer') => {
      const user = users[role]!;
      const response = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
      expect(response.status).toBe(200);
      return response.headers.getSetCookie()[0]!.split(';')[0]!;
    };
    const chair = await signIn(a.base, 'chair');
    const partner = await signIn(b.base, 'partner');
    const analyst = await signIn(a.base, 'analyst');
    const viewer = await signIn(b.base, 'viewer');

    // A hotspot with actions for the partner's agency to acknowledge under load.
    const hotspot = await fetch(`${a.base}/api/hotspots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: a.base, cookie: chair },
      body: JSON.stringify({
        source: 'drawn',
        name: 'Load test hotspot',
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [-2.252, 52.386],
              [-2.244, 52.386],
              [-2.244, 52.392],
              [-2.252, 52.392],
              [-2.252, 52.386],
            ],
          ],
        },
      }),
    });
    expect(hotspot.status).toBe(201);
    const { id: hotspotId } = (await hotspot.json()) as { id: string };
    const confirmed = await fetch(`${a.base}/api/hotspots/${hotspotId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', origin: a.base, cookie: chair },
      body: JSON.stringify({ status: 'confirmed', reason: 'Agreed at the tasking meeting' }),
    });
    expect(confirmed.status).toBe(200);
    for (let i = 0; i < ACTIONS; i++) {
      const created = await fetch(`${a.base}/api/hotspots/${hotspotId}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: a.base, cookie: chair },
        body: JSON.stringify({
          priority: 'pursue-disrupt',
          agencyId: partnerAgencyId,
          title: `Licensing visit ${i}`,
          dueOn: '2030-01-01',
        }),
      });
      expect(created.status).toBe(201);
      actionIds.push(((await created.json()) as { id: string }).id);
    }

    const statuses = new Map<number, number>();
    const acknowledged = new Set<string>();
    let issued = 0;
    let nextAction = 0;
    let batchCommitted = 0;
    let batchDone = false;
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    // What a refused layer request said, by path: printed if any status is unexpected.
    const refusals = new Map<string, string>();
    const layerPaths = [
      '/api/layers/hexagons?sizeMeters=250&from=2020-01-01',
      '/api/layers/hexagons?sizeMeters=1000&statistic=gistar&from=2020-01-01',
      '/api/layers/hotspots',
      '/api/actions?mine=1',
    ];

    const client = async (index: number) => {
      const base = index % 2 === 0 ? a.base : b.base;
      if (index === 0) {
        // One client uploads and commits a batch while the others read and acknowledge.
        const csv = generateSyntheticNativeCsv({
          rows: 2000,
          seed: 11,
          area: loadDemoBoundaries().districts,
          categories: DEMO_CATEGORIES.slice(0, 7).map((c) => c.code),
          placeTypes: DEMO_PLACE_TYPES.map((p) => p.code),
          agencies: DEMO_AGENCIES.map((x) => x.code),
          latestDate: new Date().toISOString().slice(0, 10),
        });
        try {
          const upload = await fetch(`${base}/api/batches?profile=native-csv&fileName=load.csv`, {
            method: 'POST',
            headers: { 'content-type': 'text/csv', origin: base, cookie: analyst },
            body: csv,
          });
          count(upload.status);
          const batch = (await upload.json()) as { id: string; rows: { valid: number } };
          const commit = await fetch(`${base}/api/batches/${batch.id}/commit`, {
            method: 'POST',
            headers: { origin: base, cookie: analyst },
          });
          count(commit.status);
          if (commit.status === 200) batchCommitted = batch.rows.valid;
        } finally {
          // The others stop once their share is done, even if this client failed.
          batchDone = true;
        }
      }
      while (issued < REQUESTS || !batchDone) {
        const roll = (index * 7919 + issued++) % 10;
        if (roll < 2 && nextAction < actionIds.length) {
          const id = actionIds[nextAction++]!;
          const response = await fetch(`${base}/api/actions/${id}/acknowledge`, {
            method: 'POST',
            headers: { origin: base, cookie: partner },
          });
          count(response.status);
          if (response.status === 200) acknowledged.add(id);
          await response.arrayBuffer();
        } else {
          const path = layerPaths[roll % layerPaths.length]!;
          const cookie = path.startsWith('/api/actions') ? partner : roll % 2 ? chair : viewer;
          const response = await fetch(`${base}${path}`, {
            headers: { cookie, 'accept-encoding': 'gzip' },
          });
          count(response.status);
          const text = await response.text();
          if (response.status >= 400) refusals.set(path, text.slice(0, 300));
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));

    const serverErrors = [...statuses].filter(([s]) => s >= 500);
    expect(serverErrors).toEqual([]);
    expect(
      [...statuses].filter(([s]) => ![200, 201, 304].includes(s)),
      JSON.stringify([...refusals]),
    ).toEqual([]);
    expect(acknowledged.size).toBeGreaterThan(0);
    const stored = await db.kysely
      .selectFrom('action')
      .select(['id', 'status'])
      .where('id', 'in', [...acknowledged])
      .execute();
    expect(stored.length).toBe(acknowledged.size);
    expect(stored.every((r) => r.status === 'acknowledged')).toBe(true);
    expect(batchCommitted).toBeGreaterThan(1900);
    expect(await verifyAuditChain(db.kysely, TEST_AUDIT_KEYRING)).toMatchObject({ ok: true });
  }, 600_000);
});
