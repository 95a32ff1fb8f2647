import { hexIndexAt } from '@hotspot/analysis';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  createTestClock,
  request,
  seedPartnership,
  signIn,
  type TestApp,
} from '../../testing/fixtures.ts';
import { commitBatch, withdrawBatch } from '../batches/index.ts';
import {
  cellKey,
  ensurePublished,
  hexLattice,
  parsePerturbationTable,
  publicationSettings,
  publishedDataVersion,
  publishedValue,
  publishLeftovers,
  trueCells,
  unionOf,
} from './published.ts';
import { type CraftedRecord, insertRecords } from './testing.ts';

const NO_FILTERS = { category: [], placeType: [], sourceGrade: [], intelligenceGrade: [] };
const ALL_MONTHS = { from: '2000-01-01', to: '2100-12-01' };

/** The published table as a reader finds it: after any pending publication. */
async function snapshot(db: Db, partnershipId: string) {
  await ensurePublished(db, partnershipId);
  return storedSnapshot(db, partnershipId);
}

/** The published table as stored now, pending batches or not. */
async function storedSnapshot(db: Db, partnershipId: string) {
  const rows = await sql<Record<string, string>>`
    select lattice, month::text as month, cell, category, place_type, source_grade,
      intelligence_grade, n::text as n, key_sum::text as key_sum
    from published_cell where partnership_id = ${partnershipId}
    order by lattice, month, cell, category, place_type, source_grade, intelligence_grade`.execute(
    db.kysely,
  );
  // The per-cell monthly totals are kept beside it and must equal its sums.
  const totals = await sql<Record<string, string>>`
    select lattice, month::text as month, cell, n::text as n, key_sum::text as key_sum
    from published_cell_total where partnership_id = ${partnershipId}
    order by lattice, month, cell`.execute(db.kysely);
  const summed = await sql<Record<string, string>>`
    select lattice, month::text as month, cell, sum(n)::text as n, sum(key_sum)::text as key_sum
    from published_cell where partnership_id = ${partnershipId}
    group by lattice, month, cell order by lattice, month, cell`.execute(db.kysely);
  expect(totals.rows).toEqual(summed.rows);
  return rows.rows;
}

async function recomputed(db: Db, partnershipId: string) {
  await sql`select published_cell_rebuild(${partnershipId}::uuid)`.execute(db.kysely);
  return snapshot(db, partnershipId);
}

/** Records counted in one lattice of the stored table. */
async function countedIn(db: Db, partnershipId: string, lattice: string): Promise<number> {
  const result = await sql<{ n: string | null }>`
    select sum(n)::text as n from published_cell
    where partnership_id = ${partnershipId} and lattice = ${lattice}`.execute(db.kysely);
  return Number(result.rows[0]?.n ?? 0);
}

async function pendingBatches(db: Db, partnershipId: string): Promise<number> {
  const result = await sql<{ n: string }>`
    select count(*)::text as n from published_pending
    where partnership_id = ${partnershipId}`.execute(db.kysely);
  return Number(result.rows[0]?.n);
}

function scatter(count: number, seed: number, handlingCode: 'P' | 'C' = 'P'): CraftedRecord[] {
  let s = seed;
  const next = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  return Array.from({ length: count }, (_, i) => ({
    easting: 381_000 + next() * 4000,
    northing: 274_500 + next() * 4000,
    handlingCode,
    reportedOn: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
  }));
}

/** A validated batch of `count` staged rows (every fifth C), ready for commitBatch. */
async function stageBatch(
  db: Db,
  partnershipId: string,
  analystId: string,
  policeId: string,
  batchId: string,
  count: number,
  seed: number,
): Promise<string> {
  await db.kysely
    .insertInto('batch')
    .values({
      id: batchId,
      partnership_id: partnershipId,
      uploaded_by: analystId,
      uploaded_at: new Date(),
      file_name: 'staged.csv',
      sha256: batchId.replaceAll('-', '').padEnd(64, '0'),
      profile: 'native-csv',
      size_bytes: 10,
      rows_total: count,
      rows_valid: count,
      rows_invalid: 0,
      rows_skipped: 0,
      status: 'validated',
    })
    .execute();
  for (const [index, r] of scatter(count, seed).entries()) {
    await sql`insert into batch_row (batch_id, row_no, reported_on, location, precision,
        place_type, category, source_agency_id, source_grade, intelligence_grade, handling_code,
        fingerprint)
      values (${batchId}, ${index + 2}, ${r.reportedOn},
        ST_Transform(ST_SetSRID(ST_MakePoint(${r.easting}, ${r.northing}), 27700), 4326),
        'exact', 'park', 'concern-premises', ${policeId}, '1', 'A', ${index % 5 === 0 ? 'C' : 'P'},
        ${`${batchId}-${index}`})`.execute(db.kysely);
  }
  return batchId;
}

describe('the cell key method (pure)', () => {
  // Not the stored table (that one is checked against the database below): bound 1 here.
  const table = parsePerturbationTable({
    method: 'cell-key',
    bound: 1,
    rows: [
      { above: 0, noise: [0, 1], cumulative: [0.5, 1] },
      { above: 1, noise: [-1, 0, 1], cumulative: [0.3, 0.7, 1] },
    ],
  });

  it('reads the cell key as the fractional part of the exact key sum', () => {
    expect(cellKey('12.25')).toBe(0.25);
    expect(cellKey('3')).toBe(0);
    expect(
      unionOf([
        { n: 2, keySum: '1.75' },
        { n: 3, keySum: '0.500000000000001' },
      ]),
    ).toEqual({
      n: 5,
      keySum: '2.250000000000001',
    });
  });

  it('publishes nothing below k, never below k from k up, and within the bound', () => {
    for (let n = 0; n < 60; n++) {
      for (let key = 0; key < 1; key += 0.01) {
        const v = publishedValue(n, `${n}${key.toFixed(6).slice(1)}`, table, 3);
        if (n < 3) expect(v).toBeNull();
        else {
          expect(v).toBeGreaterThanOrEqual(3);
          expect(Math.abs(v! - n)).toBeLessThanOrEqual(table.bound);
        }
      }
    }
  });

  it('refuses a table that could publish beyond its bound or below k', () => {
    expect(() =>
      parsePerturbationTable({
        method: 'cell-key',
        bound: 2,
        rows: [{ above: 0, noise: [-1, 0], cumulative: [0.5, 1] }],
      }),
    ).toThrow(/row 0/);
    expect(() =>
      parsePerturbationTable({
        method: 'cell-key',
        bound: 1,
        rows: [{ above: 0, noise: [0, 2], cumulative: [0.5, 1] }],
      }),
    ).toThrow(/row 0/);
  });
});

describe.each(testDatabases())('the published table on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let partnershipId: string;
  let analystCookie: string;
  let analystId: string;
  let policeId: string;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2025-03-01T09:00:00Z') }));
    const seed = await seedPartnership(deps, { slug: `published-${deps.newId().slice(0, 8)}` });
    analystCookie = await signIn(app, seed.users.analyst.email, seed.users.analyst.password);
    partnershipId = seed.partnershipId;
    analystId = seed.users.analyst.id;
    policeId = seed.agencies.POL!;
  });
  afterAll(async () => {
    await db?.close();
  });

  it('stores the documented perturbation table with a new partnership', async () => {
    const { hexSizes, table } = await publicationSettings(db, partnershipId);
    expect(hexSizes).toEqual([250, 500, 1000]);
    expect(table.bound).toBe(2);
    const last = table.rows.at(-1)!;
    const p = last.cumulative.map((c, i) => c - (last.cumulative[i - 1] ?? 0));
    const mean = last.noise.reduce((s, d, i) => s + d * p[i]!, 0);
    const variance = last.noise.reduce((s, d, i) => s + (d - mean) ** 2 * p[i]!, 0);
    expect(mean).toBeCloseTo(0, 12);
    expect(variance).toBeCloseTo(2, 12);
  });

  it('gives every stored record a key in [0, 1) and puts it in the cell hexIndexAt gives', async () => {
    await insertRecords(db, partnershipId, analystId, policeId, scatter(300, 11), deps.newId);
    const keys = await sql<{ k: number }>`
      select record_key as k from intelligence_record where partnership_id = ${partnershipId}`.execute(
      db.kysely,
    );
    expect(keys.rows).toHaveLength(300);
    for (const { k } of keys.rows) expect(k >= 0 && k < 1).toBe(true);
    expect(new Set(keys.rows.map((r) => r.k)).size).toBe(300);
    const cells = await sql<{ x: number; y: number; cell: string }>`
      select easting as x, northing as y, published_hex_cell(easting, northing, 250) as cell
      from intelligence_record where partnership_id = ${partnershipId}`.execute(db.kysely);
    for (const r of cells.rows) {
      const { i, j } = hexIndexAt(Number(r.x), Number(r.y), 250);
      expect(r.cell).toBe(`${i}:${j}`);
    }
    // Points exactly on cell edges and corners, where the rounding decides.
    const edges = await sql<{ x: number; y: number; cell: string }>`
      select x, y, published_hex_cell(x, y, 250) as cell
      from (values (375::float8, 0::float8), (0, 216.50635094610965), (187.5, 108.25317547305482),
        (-375, -216.50635094610965), (382875, 276561.0)) v(x, y)`.execute(db.kysely);
    for (const r of edges.rows) {
      const { i, j } = hexIndexAt(Number(r.x), Number(r.y), 250);
      expect(r.cell).toBe(`${i}:${j}`);
    }
    const total = await trueCells(db, partnershipId, hexLattice(250), ALL_MONTHS, NO_FILTERS);
    expect(total.reduce((s, c) => s + c.n, 0)).toBe(300);
  });

  it('gives the same published value for the same cell every time', async () => {
    const { table } = await publicationSettings(db, partnershipId);
    const first = await trueCells(db, partnershipId, hexLattice(500), ALL_MONTHS, NO_FILTERS);
    const second = await trueCells(db, partnershipId, hexLattice(500), ALL_MONTHS, NO_FILTERS);
    expect(second).toEqual(first);
    const values = first.map((c) => publishedValue(c.n, c.keySum, table, 3));
    expect(second.map((c) => publishedValue(c.n, c.keySum, table, 3))).toEqual(values);
    expect(values.some((v) => v !== null)).toBe(true);
    // A union summed in the API equals the database's own sum.
    const union = unionOf(first);
    const whole = await sql<{ s: string }>`
      select sum(key_sum)::text as s from published_cell
      where partnership_id = ${partnershipId} and lattice = 'hex:500'`.execute(db.kysely);
    expect(cellKey(union.keySum)).toBe(cellKey(whole.rows[0]!.s));
  });

  it('never serves a record key, even to an analyst', async () => {
    const keys = await sql<{ id: string; k: number }>`
      select id::text as id, record_key as k from intelligence_record
      where partnership_id = ${partnershipId}`.execute(db.kysely);
    const doc = (await (await request(app, 'GET', '/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const paths = Object.entries(doc.paths)
      .filter(([path, ops]) => 'get' in ops && !/\{(?!id\})/.test(path))
      .map(([path]) => path.replace('{id}', keys.rows[0]!.id))
      .filter((path) => !path.includes('openapi'));
    expect(paths).toContain('/api/layers/points');
    expect(paths).toContain('/api/records/review-due');
    const query = 'from=2024-01-01&to=2024-12-31&zoom=18';
    for (const path of paths) {
      const body = await (
        await request(app, 'GET', `${path}?${query}`, { cookie: analystCookie })
      ).text();
      expect(body, path).not.toMatch(/record_?key|key_?sum/i);
      // Keys with at least 7 decimals: a shorter one could turn up in any number by chance.
      for (const { k } of keys.rows.filter((r) => String(r.k).length >= 9)) {
        expect(body, path).not.toContain(String(k).slice(1));
      }
    }
  });

  it('keeps C records out entirely', async () => {
    const before = await snapshot(db, partnershipId);
    await insertRecords(db, partnershipId, analystId, policeId, scatter(40, 5, 'C'), deps.newId);
    expect(await snapshot(db, partnershipId)).toEqual(before);
  });

  it('maintained incrementally equals a full recount after commit, withdrawal and erasure', async () => {
    const batchId = await stageBatch(db, partnershipId, analystId, policeId, deps.newId(), 50, 23);
    const before = await snapshot(db, partnershipId);
    await commitBatch(deps, partnershipId, analystId, batchId);
    const afterCommit = await snapshot(db, partnershipId);
    expect(afterCommit).not.toEqual(before);
    expect(await recomputed(db, partnershipId)).toEqual(afterCommit);

    const erased = await sql<{ id: string }>`
      select id::text as id from intelligence_record
      where partnership_id = ${partnershipId} and handling_code = 'P' order by id limit 7`.execute(
      db.kysely,
    );
    await db.kysely
      .deleteFrom('intelligence_record')
      .where(
        'id',
        'in',
        erased.rows.map((r) => r.id as never),
      )
      .execute();
    const afterErase = await snapshot(db, partnershipId);
    expect(await recomputed(db, partnershipId)).toEqual(afterErase);

    await withdrawBatch(deps, partnershipId, analystId, batchId, 'Uploaded twice by mistake');
    const afterWithdraw = await snapshot(db, partnershipId);
    expect(await recomputed(db, partnershipId)).toEqual(afterWithdraw);
    const sum = (rows: Record<string, string>[]) => rows.reduce((s, r) => s + Number(r.n), 0);
    expect(sum(afterWithdraw)).toBe(sum(before) - 3 * 7);
  });

  it('counts a committed batch after its commit and before anyone reads the table', async () => {
    const before = await snapshot(db, partnershipId);
    const counted = await countedIn(db, partnershipId, hexLattice(250));
    const batchId = await insertRecords(
      db,
      partnershipId,
      analystId,
      policeId,
      scatter(30, 41),
      deps.newId,
      { unpublished: true },
    );
    // Stored and pending: the table does not count it yet.
    expect(await pendingBatches(db, partnershipId)).toBe(1);
    expect(await storedSnapshot(db, partnershipId)).toEqual(before);
    // Erased while pending: nothing to subtract, and its publication will not find them.
    await sql`delete from intelligence_record where batch_id = ${batchId} and row_no <= 5`.execute(
      db.kysely,
    );
    expect(await storedSnapshot(db, partnershipId)).toEqual(before);

    // The first reader publishes it.
    const cells = await trueCells(db, partnershipId, hexLattice(250), ALL_MONTHS, NO_FILTERS);
    expect(await pendingBatches(db, partnershipId)).toBe(0);
    expect(cells.reduce((sum, c) => sum + c.n, 0)).toBe(counted + 26);
    const after = await storedSnapshot(db, partnershipId);
    expect(await recomputed(db, partnershipId)).toEqual(after);
  });

  it('publishes at start what an earlier run committed and did not publish', async () => {
    const counted = await countedIn(db, partnershipId, hexLattice(250));
    await insertRecords(db, partnershipId, analystId, policeId, scatter(9, 47), deps.newId, {
      unpublished: true,
    });
    await publishLeftovers(deps);
    expect(await pendingBatches(db, partnershipId)).toBe(0);
    expect(await countedIn(db, partnershipId, hexLattice(250))).toBe(counted + 9);
  });

  it('leaves a pending batch to its publication when the table is rebuilt', async () => {
    const counted = await countedIn(db, partnershipId, hexLattice(250));
    await insertRecords(db, partnershipId, analystId, policeId, scatter(12, 43), deps.newId, {
      unpublished: true,
    });
    await sql`select published_cell_rebuild(${partnershipId}::uuid)`.execute(db.kysely);
    expect(await countedIn(db, partnershipId, hexLattice(250))).toBe(counted);
    await ensurePublished(db, partnershipId);
    expect(await countedIn(db, partnershipId, hexLattice(250))).toBe(counted + 12);
    expect(await recomputed(db, partnershipId)).toEqual(await storedSnapshot(db, partnershipId));
  });

  it('rebuilds when the published lattices change, and refuses one finer than 100 m', async () => {
    await sql`update partnership set published_hex_sizes = '{200,400}' where id = ${partnershipId}`.execute(
      db.kysely,
    );
    const lattices = await sql<{ lattice: string }>`
      select distinct lattice from published_cell where partnership_id = ${partnershipId}
      order by lattice`.execute(db.kysely);
    expect(lattices.rows.map((r) => r.lattice)).toEqual(['hex:200', 'hex:400']);
    await expect(
      sql`update partnership set published_hex_sizes = '{50,500}' where id = ${partnershipId}`.execute(
        db.kysely,
      ),
    ).rejects.toThrow();
    await sql`update partnership set published_hex_sizes = '{250,500,1000}' where id = ${partnershipId}`.execute(
      db.kysely,
    );
  });
});

// Caches of the process key on the database too: two databases can hold one partnership at one
// data version with different data (copies of one dump, as the tests' pooled databases are).
describe.each(testDatabases())('the published data version per database on $kind', (target) => {
  const partnershipId = '00000000-0000-4000-8000-0000000a7001';
  const opened: Db[] = [];
  afterAll(async () => {
    for (const db of opened) await db.close();
  });

  async function copyWith(n: number): Promise<Db> {
    const db = await target.open();
    opened.push(db);
    await db.kysely
      .insertInto('partnership')
      .values({ id: partnershipId, slug: 'copy', name: 'Copy', area: null })
      .execute();
    await sql`insert into published_cell_total (partnership_id, lattice, month, cell, n, key_sum)
      values (${partnershipId}, 'hex:250', '2024-03-01', '10:20', ${n}, 0.5)`.execute(db.kysely);
    return db;
  }

  it('differs between two databases holding the same partnership and version', async () => {
    const [twelve, twenty] = [await copyWith(12), await copyWith(20)];
    const first = await publishedDataVersion(twelve, partnershipId, '7');
    expect(await publishedDataVersion(twenty, partnershipId, '7')).not.toBe(first);
    // The same database at the same version answers the same.
    expect(await publishedDataVersion(twelve, partnershipId, '7')).toBe(first);
  });
});

// Two transactions at once need two connections: PGlite has one. The publication and a deletion
// of the same pending batch's records, in both orders, must leave exactly a recount.
const onPostgres = testDatabases().find((t) => t.kind === 'postgres');

describe.skipIf(!onPostgres)('publishing while records are deleted, on PostgreSQL', () => {
  let db: Db;
  let deps: AppDeps;
  let partnershipId: string;
  let analystId: string;
  let policeId: string;

  beforeAll(async () => {
    db = await onPostgres!.open();
    ({ deps } = createTestApp(db, { clock: createTestClock('2025-03-01T09:00:00Z') }));
    const seed = await seedPartnership(deps, { slug: `publishing-${deps.newId().slice(0, 8)}` });
    partnershipId = seed.partnershipId;
    analystId = seed.users.analyst.id;
    policeId = seed.agencies.POL!;
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Until another transaction on this test's database waits for the published table's lock. */
  async function someoneWaitsForTheLock() {
    await vi.waitFor(
      async () => {
        const waiting = await sql<{ n: string }>`
          select count(*)::text as n from pg_locks
          where locktype = 'advisory' and not granted
            and database = (select oid from pg_database where datname = current_database())`.execute(
          db.kysely,
        );
        expect(Number(waiting.rows[0]?.n)).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 20 },
    );
  }

  async function pendingBatchOf(count: number, seed: number): Promise<string> {
    const batchId = await insertRecords(
      db,
      partnershipId,
      analystId,
      policeId,
      scatter(count, seed),
      deps.newId,
      { unpublished: true },
    );
    return batchId!;
  }

  it('answers a commit without waiting for a publication that is running', async () => {
    const counted = await countedIn(db, partnershipId, hexLattice(250));
    const batchId = await stageBatch(db, partnershipId, analystId, policeId, deps.newId(), 20, 57);
    // A publication of this partnership holds the lock (here: a transaction that took it).
    let committed: Awaited<ReturnType<typeof commitBatch>> | undefined;
    await db.postgresClient!.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtextextended(${`published:${partnershipId}`}, 0))`;
      committed = await commitBatch(deps, partnershipId, analystId, batchId);
      // Stored, not yet counted: the publication it started waits for the lock.
      expect(await countedIn(db, partnershipId, hexLattice(250))).toBe(counted);
      await someoneWaitsForTheLock();
    });
    expect(committed?.recordsAdded).toBe(20);
    await ensurePublished(db, partnershipId);
    expect(await pendingBatches(db, partnershipId)).toBe(0);
    expect(await countedIn(db, partnershipId, hexLattice(250))).toBe(counted + 16);
    expect(await recomputed(db, partnershipId)).toEqual(await storedSnapshot(db, partnershipId));
  });

  it('a deletion that waits for the publication subtracts what it counted', async () => {
    const counted = await countedIn(db, partnershipId, hexLattice(250));
    const batchId = await pendingBatchOf(30, 51);
    let deletion: Promise<unknown> | undefined;
    await db.postgresClient!.begin(async (tx) => {
      await tx`select published_apply_pending(${partnershipId}::uuid)`;
      deletion = sql`delete from intelligence_record
        where batch_id = ${batchId} and row_no <= 7`.execute(db.kysely);
      await someoneWaitsForTheLock();
    });
    await deletion;
    expect(await pendingBatches(db, partnershipId)).toBe(0);
    expect(await countedIn(db, partnershipId, hexLattice(250))).toBe(counted + 24);
    const after = await storedSnapshot(db, partnershipId);
    expect(await recomputed(db, partnershipId)).toEqual(after);
  });

  it('a publication that waits for a deletion counts what is left', async () => {
    const counted = await countedIn(db, partnershipId, hexLattice(250));
    const batchId = await pendingBatchOf(30, 53);
    let publication: Promise<void> | undefined;
    await db.postgresClient!.begin(async (tx) => {
      await tx`delete from intelligence_record where batch_id = ${batchId} and row_no <= 9`;
      publication = ensurePublished(db, partnershipId);
      await someoneWaitsForTheLock();
    });
    await publication;
    expect(await pendingBatches(db, partnershipId)).toBe(0);
    expect(await countedIn(db, partnershipId, hexLattice(250))).toBe(counted + 22);
    const after = await storedSnapshot(db, partnershipId);
    expect(await recomputed(db, partnershipId)).toEqual(after);
  });
});
