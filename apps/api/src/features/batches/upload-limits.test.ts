import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  createTestClock,
  type SeededPartnership,
  signIn,
  type TestApp,
} from '../../testing/fixtures.ts';
import {
  nativeCsv,
  request,
  seedUploadPartnership,
  stagingCounts,
  streamOf,
  uploadRaw,
} from './test-support.ts';

const encoder = new TextEncoder();
const SUMMARY = 'Adults seen with young people late evening near the rear car park';

/**
 * A native CSV generated on demand in ~256 KB chunks: `rows` distinct valid rows, short (~75
 * bytes, so 600,000 rows stay under 50 MB and the row limit decides) or padded to ~560 bytes
 * with a long summary (so the byte limit decides). Nothing is held beyond one chunk.
 */
function* generatedCsv(rows: number, padded: boolean): Generator<Uint8Array> {
  yield encoder.encode(nativeCsv([]));
  const summary = padded ? `${SUMMARY} ${'and again '.repeat(45)}`.slice(0, 480) : '';
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `2024-03-14,,,-2.2486,52.3886,,,,,takeaway,concern-premises,WFDC,2,B,P,${summary},B${i}\r\n`;
    if (chunk.length >= 256 * 1024) {
      yield encoder.encode(chunk);
      chunk = '';
    }
  }
  if (chunk) yield encoder.encode(chunk);
}

// The real limits with default settings (500,000 rows, 50 MB): each case streams a generated
// file past the limit, so the server must stop while reading, answer 413, keep nothing and keep
// serving. The server reads and stages everything up to the limit (tens of megabytes), so these
// run on PostgreSQL only: on PGlite (~30 s each) batches.test.ts covers both limits through the
// same code with MAX_UPLOAD_ROWS and MAX_UPLOAD_BYTES lowered.
const postgres = testDatabases().find((t) => t.kind === 'postgres');

describe.skipIf(!postgres)('default upload limits on PostgreSQL', () => {
  const target = postgres!;
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let analyst: string;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2024-06-01T12:00:00Z') }));
    seed = await seedUploadPartnership(deps);
    analyst = await signIn(app, seed.users.analyst.email, seed.users.analyst.password);
  });
  afterAll(async () => {
    await db.close();
  });

  it('refuses 600,000 rows with 413 and keeps nothing', async () => {
    const res = await uploadRaw(app, analyst, streamOf(generatedCsv(600_000, false)));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ limit: { kind: 'rows', value: 500_000 } });
    expect(await stagingCounts(deps, seed.partnershipId)).toMatchObject({
      batches: 0,
      stagedRows: 0,
    });
    const health = await request(app, 'GET', '/api/batches', { cookie: analyst });
    expect(health.status).toBe(200);
  });

  it('refuses a streamed 60 MB file with 413 and keeps nothing', async () => {
    // ~560-byte rows: 60 MB is ~112,000 rows, under the row limit, so the byte limit decides.
    const res = await uploadRaw(app, analyst, streamOf(generatedCsv(112_000, true)));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ limit: { kind: 'bytes', value: 50 * 1024 * 1024 } });
    expect(await stagingCounts(deps, seed.partnershipId)).toMatchObject({
      batches: 0,
      stagedRows: 0,
    });
  });
});
