/**
 * Upload benchmark (DESIGN.md section 9): 100,000 synthetic native CSV rows (10,000 with
 * `quick`, BENCH_ROWS to change) through parse + validate, then end to end through the API (streamed upload into
 * staging + commit) on PostgreSQL against a bare COPY of the same rows into a table shaped like
 * intelligence_record in the same run (budget <= 2.5x), and on PGlite; peak RSS of the process.
 * PostgreSQL figures need BENCH_DATABASE_URL or TEST_DATABASE_URL (a server where the user may
 * create databases); without one they are reported with value null and a note.
 *
 * Like with like: the CSV file is generated before any clock starts (the baseline's COPY text is
 * built before its clock too), and the baseline table has intelligence_record's columns, checks,
 * indexes AND foreign keys, since any way of storing these rows in intelligence_record pays those
 * checks. The same COPY into a copy without foreign keys is reported beside it, as a second ratio,
 * so the cost of the foreign keys stays visible. Baselines are the faster of two runs each, which
 * can only make the ratios larger.
 */
import { randomBytes } from 'node:crypto';
import type { BenchResult } from '@hotspot/analysis';
import type { IngestRecord } from '@hotspot/contracts';
import { createDb, type Db, migrateToLatest } from '@hotspot/db';
import { northWorcestershire } from '@hotspot/fixtures';
import { createAreaIndex, ingest, syntheticNativeCsv } from '@hotspot/ingest';
import { sql } from 'kysely';
import postgres from 'postgres';
import { createTestApp, request, signIn } from '../../testing/fixtures.ts';
import { ensurePublished } from '../disclosure/index.ts';
import { loadIngestSetup, PARTNERSHIP_TIME_ZONE } from './ingest-setup.ts';
import { seedUploadPartnership, streamOf, uploadRaw } from './test-support.ts';

/** BenchResult, with `value: null` and a note for a figure that could not be measured here. */
export type BatchBenchResult = Omit<BenchResult, 'value'> & {
  readonly value: number | null;
  readonly note?: string;
};

const LATEST_DATE = '2024-05-31';
const NOW = new Date('2024-06-01T12:00:00Z');

/** Peak resident set size, sampled from inside the hot loops (timers starve while they run). */
class RssSampler {
  peak = process.memoryUsage().rss;
  sample(): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
  }
}

interface Vocabulary {
  readonly categories: readonly string[];
  readonly placeTypes: readonly string[];
  readonly agencies: readonly string[];
}

// The area is read and indexed once: generating rows must not time file reading.
const AREA = createAreaIndex(northWorcestershire());

function syntheticChunks(rows: number, seed: number, vocabulary: Vocabulary, rss: RssSampler) {
  return (function* () {
    let n = 0;
    for (const chunk of syntheticNativeCsv({
      rows,
      seed,
      area: AREA,
      ...vocabulary,
      latestDate: LATEST_DATE,
    })) {
      if (++n % 20 === 0) rss.sample();
      yield chunk;
    }
  })();
}

/** The whole file in memory (about 15 MB for 100,000 rows), so generating it is not timed. */
function pregeneratedChunks(
  rows: number,
  seed: number,
  vocabulary: Vocabulary,
  rss: RssSampler,
): readonly Uint8Array[] {
  const chunks = [...syntheticChunks(rows, seed, vocabulary, rss)];
  rss.sample();
  return chunks;
}

/** Opens a fresh migrated database: on PostgreSQL a new one on the server, dropped by `drop`. */
async function openBenchDatabase(
  serverUrl: string | undefined,
): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (!serverUrl) {
    const db = await createDb({ memory: true });
    await migrateToLatest(db.kysely);
    return { db, drop: () => db.close() };
  }
  const name = `hotspot_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await createDb({ databaseUrl: url.toString() });
  await migrateToLatest(db.kysely);
  return {
    db,
    drop: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Upload limits that admit `rows` synthetic rows (about 150 bytes each); never below the defaults. */
function benchLimits(rows: number): { maxRows: number; maxBytes: number } {
  return { maxRows: Math.max(rows, 500_000), maxBytes: Math.max(rows * 400, 50 * 1024 * 1024) };
}

/** The statement trigger that counts inserted records into the published table (migration 0015). */
const PUBLISHED_TRIGGERS = ['published_cell_inserted'] as const;

/**
 * Upload (streamed through the API in process) and commit, then wait until the published table
 * counts the batch (the commit starts that publication as it answers); milliseconds of each.
 */
async function uploadAndCommit(
  db: Db,
  rows: number,
  seed: number,
  rss: RssSampler,
  options: { readonly withoutPublishedTable?: boolean } = {},
) {
  // Limits follow the size asked for, as an operator would set MAX_UPLOAD_ROWS/BYTES for a
  // larger file (the defaults stop at 500,000 rows and 50 MB).
  const { app, deps } = createTestApp(db, {
    clock: () => NOW,
    env: {
      MAX_UPLOAD_ROWS: String(benchLimits(rows).maxRows),
      MAX_UPLOAD_BYTES: String(benchLimits(rows).maxBytes),
    },
  });
  const partnership = await seedUploadPartnership(deps, {
    slug: `bench-${randomBytes(3).toString('hex')}`,
  });
  // The real districts as admin areas, so the commit pays for the area rows of the published
  // table as a partnership's would.
  await db.kysely
    .insertInto('boundary')
    .values(
      northWorcestershire().features.map((f, k) => ({
        id: deps.newId(),
        partnership_id: partnership.partnershipId,
        kind: 'district' as const,
        code: `D${k + 1}`,
        name: `District ${k + 1}`,
        geom: sql<string>`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}), 4326))`,
        source: 'bench',
      })),
    )
    .execute();
  const cookie = await signIn(
    app,
    partnership.users.analyst.email,
    partnership.users.analyst.password,
  );
  const setup = await loadIngestSetup(db, partnership.partnershipId);
  const vocabulary = setup.taxonomy;
  const file = pregeneratedChunks(rows, seed, vocabulary, rss);
  const started = performance.now();
  const upload = await uploadRaw(app, cookie, streamOf(file), { fileName: 'bench.csv' });
  const uploaded = performance.now();
  if (upload.status !== 201)
    throw new Error(`upload failed: ${upload.status} ${await upload.text()}`);
  const batch = (await upload.json()) as { id: string; rows: { valid: number } };
  if (batch.rows.valid !== rows)
    throw new Error(`expected ${rows} valid rows, got ${batch.rows.valid}`);
  // The baseline for the published table's upkeep: the same commit with its trigger disabled
  // (set before the clock that matters starts, restored after).
  const toggle = async (state: 'disable' | 'enable') => {
    for (const name of PUBLISHED_TRIGGERS) {
      await sql.raw(`alter table intelligence_record ${state} trigger ${name}`).execute(db.kysely);
    }
  };
  if (options.withoutPublishedTable) await toggle('disable');
  const committing = performance.now();
  const commit = await request(app, 'POST', `/api/batches/${batch.id}/commit`, { cookie }).finally(
    async () => {
      if (options.withoutPublishedTable) await toggle('enable');
    },
  );
  const committed = performance.now();
  if (commit.status !== 200) throw new Error(`commit failed: ${commit.status}`);
  // What a non-analyst's first request after the commit would wait for at most; also keeps the
  // publication from running into the next measurement.
  await ensurePublished(db, partnership.partnershipId);
  const published = performance.now();
  rss.sample();
  return {
    uploadMs: uploaded - started,
    commitMs: committed - committing,
    publishMs: published - committed,
    totalMs: committed - started,
    partnershipId: partnership.partnershipId,
    batchId: batch.id,
    vocabulary,
    agencyIds: setup.agencyIds,
  };
}

/** COPY text of the records as intelligence_record rows (location as EWKT, BNG given). */
function copyLines(
  records: readonly IngestRecord[],
  partnershipId: string,
  batchId: string,
  agencyIds: ReadonlyMap<string, string>,
): string {
  const esc = (v: string | null) =>
    v === null
      ? '\\N'
      : v.replace(/[\\\t\n\r]/g, (c) =>
          c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
        );
  let text = '';
  for (const r of records) {
    text += `${[
      partnershipId,
      batchId,
      String(r.row),
      r.reportedOn,
      esc(r.occurredFrom),
      esc(r.occurredTo),
      `SRID=4326;POINT(${r.lng.toFixed(7)} ${r.lat.toFixed(7)})`,
      '0',
      '0',
      r.precision,
      r.placeType,
      r.category,
      agencyIds.get(r.sourceAgency) as string,
      r.sourceGrade,
      r.intelligenceGrade,
      r.handlingCode,
      esc(r.summary),
      esc(r.externalRef),
      r.fingerprint,
      '2025-05-31',
    ].join('\t')}\n`;
  }
  return text;
}

const COPY_COLUMNS =
  'partnership_id, batch_id, row_no, reported_on, occurred_from, occurred_to, location, easting, northing, precision, place_type, category, source_agency_id, source_grade, intelligence_grade, handling_code, summary, external_ref, fingerprint, review_on';

/**
 * The baselines: the same rows, already parsed and written as COPY text, COPYed into a fresh
 * table made LIKE intelligence_record (same columns, checks and indexes, spatial index included)
 * with intelligence_record's foreign keys added, and into one without them. Each is timed alone,
 * twice, on an empty table; the faster run counts.
 */
async function bareCopyMs(
  db: Db,
  rows: number,
  seed: number,
  vocabulary: Vocabulary,
  ids: { partnershipId: string; batchId: string; agencyIds: ReadonlyMap<string, string> },
): Promise<{ withForeignKeysMs: number; withoutForeignKeysMs: number; foreignKeys: number }> {
  const records: IngestRecord[] = [];
  const rss = new RssSampler();
  for await (const event of ingest(syntheticChunks(rows, seed, vocabulary, rss), {
    now: NOW,
    timeZone: PARTNERSHIP_TIME_ZONE,
    taxonomy: vocabulary,
    area: AREA,
    ...benchLimits(rows),
  })) {
    if (event.kind === 'record') records.push(event.record);
  }
  const text = copyLines(records, ids.partnershipId, ids.batchId, ids.agencyIds);
  const client = db.postgresClient as postgres.Sql;
  const foreignKeys = await client<{ def: string }[]>`
    select pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = 'intelligence_record'::regclass and contype = 'f'`;
  if (foreignKeys.length === 0) throw new Error('intelligence_record has no foreign keys');
  const copyOnce = async (withForeignKeys: boolean): Promise<number> => {
    await client.unsafe('drop table if exists bench_bare_copy');
    await client.unsafe('create table bench_bare_copy (like intelligence_record including all)');
    if (withForeignKeys) {
      for (const { def } of foreignKeys) {
        await client.unsafe(`alter table bench_bare_copy add ${def}`);
      }
    }
    const started = performance.now();
    await client.begin(async (tx) => {
      await tx.unsafe(`set local time zone '${PARTNERSHIP_TIME_ZONE}'`);
      const writable = await tx
        .unsafe(`copy bench_bare_copy (${COPY_COLUMNS}) from stdin`)
        .writable();
      await new Promise<void>((resolve, reject) => {
        writable.on('error', reject);
        writable.end(text, () => resolve());
      });
    });
    return performance.now() - started;
  };
  const runs = { with: [] as number[], without: [] as number[] };
  for (let i = 0; i < 2; i++) {
    runs.with.push(await copyOnce(true));
    runs.without.push(await copyOnce(false));
  }
  await client.unsafe('drop table if exists bench_bare_copy');
  return {
    foreignKeys: foreignKeys.length,
    withForeignKeysMs: Math.min(...runs.with),
    withoutForeignKeysMs: Math.min(...runs.without),
  };
}

async function parseRowsPerSecond(rows: number, rss: RssSampler): Promise<number> {
  const vocabulary: Vocabulary = {
    categories: ['adults-with-children', 'children-at-premises', 'drugs'],
    placeTypes: ['takeaway', 'hotel-bnb', 'street'],
    agencies: ['POL', 'BDC', 'WFDC'],
  };
  const options = {
    now: NOW,
    timeZone: PARTNERSHIP_TIME_ZONE,
    taxonomy: vocabulary,
    area: AREA,
    ...benchLimits(rows),
  };
  for await (const _ of ingest(syntheticChunks(2000, 1, vocabulary, rss), options)); // warm-up
  const file = pregeneratedChunks(rows, 2, vocabulary, rss);
  let valid = 0;
  const started = performance.now();
  for await (const event of ingest(file, options)) {
    if (event.kind === 'record') valid++;
  }
  const ms = performance.now() - started;
  if (valid !== rows) throw new Error(`expected ${rows} valid synthetic rows, got ${valid}`);
  return Math.round(rows / (ms / 1000));
}

export async function run(opts: { quick: boolean }): Promise<BatchBenchResult[]> {
  // BENCH_ROWS reruns the same measurement at another size (infra/SCALING.md uses 1,000,000).
  const rows = Number(process.env.BENCH_ROWS ?? (opts.quick ? 10_000 : 100_000));
  const label = rows.toLocaleString('en-GB');
  const rss = new RssSampler();
  const results: BatchBenchResult[] = [];

  results.push({
    name: `batches: parse + validate ${label} native CSV rows`,
    value: await parseRowsPerSecond(rows, rss),
    unit: 'rows/s',
  });

  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const { db, drop } = await openBenchDatabase(serverUrl);
    try {
      const measured = await uploadAndCommit(db, rows, 3, rss);
      const bare = await uploadAndCommit(db, rows, 5, rss, { withoutPublishedTable: true });
      const upkeep = measured.commitMs / bare.commitMs;
      results.push({
        name: `batches: commit ${label} rows on PostgreSQL, its publication left pending (vs the same commit without the published table's trigger)`,
        value: Math.round(measured.commitMs),
        unit: 'ms',
        baseline: Math.round(bare.commitMs),
        ratio: Math.round(upkeep * 100) / 100,
        budget: '<= 1.2x (the published table adds at most 20 %)',
        pass: upkeep <= 1.2,
      });
      const current = (measured.commitMs + measured.publishMs) / bare.commitMs;
      results.push({
        name: `batches: commit ${label} rows on PostgreSQL until the published table counts them (vs the same commit without the published table's trigger)`,
        value: Math.round(measured.commitMs + measured.publishMs),
        unit: 'ms',
        baseline: Math.round(bare.commitMs),
        ratio: Math.round(current * 100) / 100,
        note: `the publication after the commit took ${Math.round(measured.publishMs)} ms: the longest a non-analyst's first request after this commit waits (no budget: the work the 1.2x budget kept out of the commit)`,
      });
      const baseline = await bareCopyMs(db, rows, 3, measured.vocabulary, measured);
      const ratio = measured.totalMs / baseline.withForeignKeysMs;
      const ratioWithoutForeignKeys = measured.totalMs / baseline.withoutForeignKeysMs;
      results.push({
        name: `batches: upload + commit ${label} rows on PostgreSQL (vs bare COPY)`,
        value: Math.round(measured.totalMs),
        unit: 'ms',
        baseline: Math.round(baseline.withForeignKeysMs),
        ratio: Math.round(ratio * 100) / 100,
        budget:
          "<= 2.5x a bare COPY of the same rows into a table with intelligence_record's columns, checks, indexes and foreign keys",
        pass: ratio <= 2.5,
        note: `upload ${Math.round(measured.uploadMs)} ms + commit ${Math.round(measured.commitMs)} ms (then publication ${Math.round(measured.publishMs)} ms, not counted); the same COPY without the ${baseline.foreignKeys} foreign keys takes ${Math.round(baseline.withoutForeignKeysMs)} ms (ratio ${Math.round(ratioWithoutForeignKeys * 100) / 100})`,
      });
    } finally {
      await drop();
    }
  } else {
    results.push({
      name: `batches: upload + commit ${label} rows on PostgreSQL (vs bare COPY)`,
      value: null,
      unit: 'ms',
      budget: '<= 2.5x a bare COPY of the same rows',
      pass: null,
      note: 'not measured: set BENCH_DATABASE_URL or TEST_DATABASE_URL',
    });
  }

  const pglite = await openBenchDatabase(undefined);
  try {
    const measured = await uploadAndCommit(pglite.db, rows, 4, rss);
    results.push({
      name: `batches: upload + commit ${label} rows on PGlite`,
      value: Math.round(rows / (measured.totalMs / 1000)),
      unit: 'rows/s',
      // PGlite has one connection: the statements the commit's request runs after its answer is
      // built (its audit event) queue behind the publication, so its time holds the publication.
      note: `upload ${Math.round(measured.uploadMs)} ms + commit ${Math.round(measured.commitMs)} ms, the publication included (one connection: the request's last statements queue behind it; ${Math.round(measured.publishMs)} ms left after the answer)`,
    });
  } finally {
    await pglite.drop();
  }

  rss.sample();
  results.push({
    name: 'batches: peak RSS during the batch benchmarks',
    value: Math.round(rss.peak / 1024 / 1024),
    unit: 'MB',
  });
  return results;
}
