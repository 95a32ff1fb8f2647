// The real processes a partnership's IT team runs: `npm start` without the demo on an empty
// database says what to do and stops; the setup commands then create the partnership, its
// agencies and its first administrator (south-worcestershire.test.ts signs in and uploads).
// Every step is a process opening the database, hence the long timeout on a loaded machine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@hotspot/db';
import { migratedPgliteFolder, testDatabases } from '@hotspot/db/testing';
import { SOUTH_WORCESTERSHIRE_CODES } from '@hotspot/fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY } from '../../../testing/audit-key.ts';
import { startServerProcess } from '../../../testing/server-process.ts';
import { EXAMPLE_AGENCIES_PATH, runCli, writeDistrictsFile } from './test-support.ts';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const ADMIN_PASSWORD = 'Setup-kestrel-rhubarb-58';

// Arguments and files are checked before any database is opened: a bad file is refused at once,
// in one line, even with the database out of reach (and so nothing can have been written).
describe('the setup commands refuse bad input before opening the database', () => {
  const unreachable = { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' };

  it('refuses a districts file in metres, an agencies file without its kind column and a mistyped option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotspot-setup-'));
    folders.push(dir);
    const bngFile = join(dir, 'bng.geojson');
    writeFileSync(
      bngFile,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { code: 'X', name: 'Metres' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [383000, 273000],
                  [384000, 273000],
                  [384000, 274000],
                  [383000, 273000],
                ],
              ],
            },
          },
        ],
      }),
    );
    const agenciesFile = join(dir, 'agencies.csv');
    writeFileSync(agenciesFile, 'code,name\nPOL,Police\n');
    const [metres, agencies, unknownOption] = await Promise.all([
      runCli(['create-partnership', '--name', 'Metres CSP', '--districts', bngFile], unreachable),
      runCli(['import-agencies', agenciesFile], unreachable),
      runCli(['create-user', '--email', 'a@example.org', '--rol', 'admin'], unreachable),
    ]);
    // A mistyped option is a usage error: exit 2 and the usage, as for every command.
    expect(unknownOption).toMatchObject({ code: 2, stdout: '' });
    expect(unknownOption.stderr).toMatch(/^Unknown option '--rol'/);
    expect(unknownOption.stderr).toContain('usage: npm run cli -- <command>');
    expect(metres).toMatchObject({ code: 1, stdout: '' });
    expect(metres.stderr).toBe(
      `hotspot-map: ${bngFile}: feature 1 (X Metres): the position [383000, 273000] is outside WGS84 (longitude -180..180, latitude -90..90); it looks like British National Grid metres: convert the file to WGS84 first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson\n`,
    );
    expect(agencies).toMatchObject({ code: 1, stdout: '' });
    expect(agencies.stderr).toBe(
      `hotspot-map: ${agenciesFile}: 1 problem, nothing imported:\n  ${agenciesFile} line 1: the column kind is missing\n`,
    );
  });
});

describe.each(testDatabases())(
  'setting up a partnership from the command line on $kind',
  (target) => {
    it('start refuses an empty database with the next steps; the commands set it up', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hotspot-setup-'));
      folders.push(dir);
      // A fresh migrated database with nothing in it, on either kind: a PGlite folder made from
      // the migrated template (a first start on an empty folder, initdb and every
      // migration included, is process.test.ts's), or a PostgreSQL database cloned from it.
      // The server and the commands sign the audit chain with one key, as in a deployment.
      if (target.kind === 'pglite') await migratedPgliteFolder(join(dir, 'data'));
      const env: Record<string, string> = {
        AUDIT_KEY: TEST_AUDIT_KEY,
        ...(target.kind === 'pglite'
          ? { DATA_DIR: join(dir, 'data') }
          : { DATABASE_URL: await target.createUrl!() }),
      };

      const empty = startServerProcess({ ...env, SEED_DEMO: 'false' });
      expect(await empty.exited).toBe(1);
      expect(empty.output()).toContain(
        'hotspot-map: the database holds no partnership, so there is nothing to serve yet.',
      );
      expect(empty.output()).toContain('README.md, "Set up your partnership"');
      expect(empty.output()).toMatch(
        /npm run cli -- create-partnership --name "Your CSP" --districts districts\.geojson/,
      );
      expect(empty.output()).not.toMatch(/listening on/);

      const created = await runCli(
        [
          'create-partnership',
          '--name',
          'South Worcestershire',
          '--districts',
          writeDistrictsFile(dir, SOUTH_WORCESTERSHIRE_CODES),
          '--agencies',
          EXAMPLE_AGENCIES_PATH,
        ],
        env,
      );
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const [, id] =
        /^created partnership "South Worcestershire": slug south-worcestershire, id ([0-9a-f-]{36})$/m.exec(
          created.stdout,
        ) ?? [];
      expect(id).toBeDefined();
      expect(created.stdout).toMatch(
        /districts: 3, code from LAD13CD \(detected\), name from LAD13NM \(detected\)/,
      );
      expect(created.stdout).toMatch(
        /taxonomy from the default CSE taxonomy .*: 12 categories, 10 place types, 14 police\.uk crime types mapped/,
      );

      const user = await runCli(
        [
          'create-user',
          '--partnership',
          'south-worcestershire',
          '--email',
          'csp-admin@example.org',
          '--role',
          'admin',
          '--agency',
          'WCC',
          '--name',
          'CSP administrator',
        ],
        env,
        `${ADMIN_PASSWORD}\n`,
      );
      expect(user.stderr).toBe('');
      expect(user.code).toBe(0);
      // The partnership requires a second factor, so the secret is given once.
      const [, totpSecret] = /^totp-secret: ([A-Z2-7]+)$/m.exec(user.stdout) ?? [];
      expect(totpSecret).toBeDefined();

      const db = await createDb(
        env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR! },
      );
      try {
        // One partnership, and the admin is of its WCC.
        const partnerships = await db.kysely
          .selectFrom('partnership')
          .select(['id', 'slug'])
          .execute();
        expect(partnerships).toEqual([{ id, slug: 'south-worcestershire' }]);
        const admin = await db.kysely
          .selectFrom('app_user as u')
          .innerJoin('agency as a', 'a.id', 'u.agency_id')
          .select(['u.partnership_id', 'u.role', 'a.code'])
          .where('u.email', '=', 'csp-admin@example.org')
          .executeTakeFirst();
        expect(admin).toEqual({ partnership_id: id, role: 'admin', code: 'WCC' });
      } finally {
        await db.close();
      }
    }, 300_000);
  },
);
