import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupError, backupTo, type Db, restoreFrom } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD_HASH } from '../../testing/fixtures.ts';
import { ensureDemo } from './ensure-demo.ts';

// A fingerprint of everything that matters: per-table row counts plus digests of the records'
// geometry, dates and grading, and of the audit chain's hashes.
async function fingerprint(db: Db): Promise<Record<string, string>> {
  const tables = [
    'partnership',
    'boundary',
    'agency',
    'category',
    'place_type',
    'app_user',
    'batch',
    'intelligence_record',
    'audit_event',
  ];
  const out: Record<string, string> = {};
  for (const table of tables) {
    const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(
      db.kysely,
    );
    out[table] = r.rows[0]!.n;
  }
  const records = await sql<{ d: string }>`
    select md5(string_agg(concat_ws('|', id, ST_AsEWKT(location), reported_on, category, handling_code, easting::int), ',' order by id)) as d
    from intelligence_record`.execute(db.kysely);
  out.records = records.rows[0]!.d;
  const area = await sql<{ d: string }>`select md5(ST_AsEWKT(area)) as d from partnership`.execute(
    db.kysely,
  );
  out.area = area.rows[0]!.d;
  return out;
}

describe.each(testDatabases())('backup from PGlite, restore into $kind', (target) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotspot-backup-'));
  const file = join(dir, 'demo.ndjson.gz');
  let source: Db;
  let before: Record<string, string>;
  beforeAll(async () => {
    const [pglite] = testDatabases();
    source = await pglite!.open();
    await ensureDemo(
      {
        db: source,
        clock: () => new Date('2026-06-01T12:00:00Z'),
        newId: randomUUID,
        passwordHashOptions: TEST_PASSWORD_HASH,
      },
      { recordCount: 300 },
    );
    before = await fingerprint(source);
    await backupTo(source, file, new Date());
  });
  afterAll(async () => {
    await source.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips the demo data exactly', async () => {
    const restored = await target.open();
    try {
      const counts = await restoreFrom(restored, file);
      expect(counts.intelligence_record).toBe(300);
      expect(await fingerprint(restored)).toEqual(before);
      expect(Number(before.intelligence_record)).toBe(300);
      // Identity columns continue after the restored ids.
      const next = await sql<{ id: string }>`
        insert into intelligence_record (partnership_id, batch_id, row_no, reported_on, location, easting, northing,
          precision, place_type, category, source_agency_id, source_grade, intelligence_grade, handling_code,
          fingerprint, review_on)
        select partnership_id, batch_id, 99999, reported_on, location, easting, northing, precision, place_type,
          category, source_agency_id, source_grade, intelligence_grade, handling_code, 'x', review_on
        from intelligence_record limit 1 returning id::text`.execute(restored.kysely);
      expect(Number(next.rows[0]!.id)).toBeGreaterThan(300);
    } finally {
      await restored.close();
    }
  });

  it('refuses to restore over existing data', async () => {
    await expect(restoreFrom(source, file)).rejects.toBeInstanceOf(BackupError);
  });
});
