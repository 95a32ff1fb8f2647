// Acceptance for a real partnership without the demo: "South Worcestershire" (Worcester, Malvern
// Hills, Wychavon) set up from the ONS districts file, the example agencies and the default
// taxonomy, then the four police.uk months uploaded and committed by its analyst. The counts are
// whatever PostGIS says: each month's rows are parsed here and counted inside the stored area by
// ST_Covers on the same database, independently of the upload's own point-in-area test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import {
  POLICE_UK_MONTHS,
  policeUkBytes,
  policeUkStream,
  SOUTH_WORCESTERSHIRE_CODES,
} from '@hotspot/fixtures';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../deps.ts';
import {
  createTestApp,
  createTestClock,
  request,
  signIn,
  type TestApp,
} from '../../../testing/fixtures.ts';
import { createUser } from '../../accounts/index.ts';
import { uploadRaw } from '../../batches/test-support.ts';
import {
  type CreatedPartnership,
  createPartnership,
  DEFAULT_TAXONOMY_PATH,
  importAgencies,
  importTaxonomy,
  readSetupFile,
} from './partnership-setup.ts';
import { EXAMPLE_AGENCIES_PATH, writeDistrictsFile } from './test-support.ts';

const ANALYST_PASSWORD = 'Analyst-plover-damson-46';

describe.each(testDatabases())(
  'South Worcestershire from the command-line setup on $kind',
  (target) => {
    let db: Db;
    let deps: AppDeps;
    let app: TestApp;
    let created: CreatedPartnership;
    let analyst: string;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hotspot-south-'));
      db = await target.open();
      const clock = createTestClock('2024-06-01T12:00:00Z');
      ({ app, deps } = createTestApp(db, { clock }));
      created = await createPartnership(deps, {
        name: 'South Worcestershire',
        districts: readSetupFile(writeDistrictsFile(dir, SOUTH_WORCESTERSHIRE_CODES)),
      });
      await importAgencies(deps, 'south-worcestershire', readSetupFile(EXAMPLE_AGENCIES_PATH));
      await importTaxonomy(deps, 'south-worcestershire', readSetupFile(DEFAULT_TAXONOMY_PATH));
      const user = await createUser(deps, {
        partnershipId: created.id,
        email: 'analyst@south-worcs.example',
        name: 'South Worcestershire analyst',
        role: 'analyst',
        agencyCode: 'WMP',
        password: ANALYST_PASSWORD,
      });
      analyst = await signIn(app, 'analyst@south-worcs.example', ANALYST_PASSWORD, {
        totpSecret: user.totpSecret,
        at: clock(),
      });
    });
    afterAll(async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('holds the three districts, their union as its area, and the police.uk mapping', async () => {
      expect(created).toMatchObject({ slug: 'south-worcestershire', districts: 3 });
      const districts = await db.kysely
        .selectFrom('boundary')
        .select(['code', 'name'])
        .where('partnership_id', '=', created.id)
        .where('kind', '=', 'district')
        .orderBy('code')
        .execute();
      expect(districts).toEqual([
        { code: 'E07000235', name: 'Malvern Hills' },
        { code: 'E07000237', name: 'Worcester' },
        { code: 'E07000238', name: 'Wychavon' },
      ]);
      const mapped = await db.kysely
        .selectFrom('police_uk_mapping')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('partnership_id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(Number(mapped.n)).toBe(14);
    });

    it.each(POLICE_UK_MONTHS)(
      '%s uploads and commits exactly the rows PostGIS puts inside the area',
      async (month) => {
        const rows = parse(policeUkBytes(month), { columns: true, bom: true }) as Record<
          string,
          string
        >[];
        const located = rows.filter((r) => r.Longitude !== '' && r.Latitude !== '');
        const inside = await sql<{ n: number }>`
      select count(*)::int as n
      from unnest(${located.map((r) => Number(r.Longitude))}::float8[],
                  ${located.map((r) => Number(r.Latitude))}::float8[]) as p(lng, lat),
        partnership a
      where a.id = ${created.id} and ST_Covers(a.area, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326))`.execute(
          db.kysely,
        );
        const expected = inside.rows[0]!.n;
        expect(expected).toBeGreaterThan(0);

        const body = Readable.toWeb(policeUkStream(month, 64 * 1024)) as ReadableStream<Uint8Array>;
        const res = await uploadRaw(app, analyst, body, {
          fileName: `${month}-west-mercia-street.csv`,
        });
        expect(res.status).toBe(201);
        const batch = (await res.json()) as { id: string; profile: string; rows: unknown };
        expect(batch).toMatchObject({
          profile: 'police-uk',
          rows: {
            total: rows.length,
            valid: expected,
            skipped: rows.length - located.length,
            invalid: located.length - expected,
          },
        });
        const commit = await request(app, 'POST', `/api/batches/${batch.id}/commit`, {
          cookie: analyst,
        });
        expect(await commit.json()).toMatchObject({ status: 'committed', recordsAdded: expected });
        const records = await db.kysely
          .selectFrom('intelligence_record as r')
          .innerJoin('agency as a', 'a.id', 'r.source_agency_id')
          .select(['a.code', 'r.place_type', (eb) => eb.fn.countAll<string>().as('n')])
          .where('r.batch_id', '=', batch.id)
          .where('r.partnership_id', '=', created.id)
          .groupBy(['a.code', 'r.place_type'])
          .execute();
        // Every row from the partnership's police agency, at the default taxonomy's street type.
        expect(records.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([
          { code: 'WMP', place_type: 'street', n: expected },
        ]);
      },
    );
  },
);
