import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  createTestClock,
  request,
  type SeededPartnership,
  seedPartnership,
  signIn,
  type TestApp,
  type TestClock,
} from '../../testing/fixtures.ts';
import { enrolmentCode, redeemEnrolment } from '../accounts/test-support.ts';
import { insertRecords } from '../disclosure/testing.ts';

describe.each(testDatabases())('admin API on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let clock: TestClock;
  let seed: SeededPartnership;
  let admin: string;

  beforeAll(async () => {
    db = await target.open();
    clock = createTestClock();
    ({ app, deps } = createTestApp(db, { clock }));
    seed = await seedPartnership(deps);
    admin = await signIn(app, seed.users.admin.email, seed.users.admin.password);
  });
  afterAll(async () => {
    await db.close();
  });

  const lastAudit = () =>
    db.kysely.selectFrom('audit_event').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();

  it('locks a user out on their next request when disabled mid-session, and lets them back when enabled', async () => {
    const { viewer } = seed.users;
    const cookie = await signIn(app, viewer.email, viewer.password);
    expect((await request(app, 'GET', '/api/partnership', { cookie })).status).toBe(200);
    const disable = await request(app, 'PATCH', `/api/admin/users/${viewer.id}`, {
      cookie: admin,
      json: { disabled: true },
    });
    expect(disable.status).toBe(200);
    expect(await disable.json()).toMatchObject({ id: viewer.id, disabled: true });
    expect(await lastAudit()).toMatchObject({
      category: 'admin',
      action: 'user.change',
      object_id: viewer.id,
      actor_user_id: seed.users.admin.id,
    });
    const after = await request(app, 'GET', '/api/partnership', { cookie });
    expect(after.status).toBe(401);
    expect(
      (
        await request(app, 'POST', '/api/auth/login', {
          json: { email: viewer.email, password: viewer.password },
        })
      ).status,
    ).toBe(401);
    await request(app, 'PATCH', `/api/admin/users/${viewer.id}`, {
      cookie: admin,
      json: { disabled: false },
    });
    await signIn(app, viewer.email, viewer.password);
  });

  it('ends sessions when the role or agency changes; a name change does not', async () => {
    const { partner } = seed.users;
    const cookie = await signIn(app, partner.email, partner.password);
    await request(app, 'PATCH', `/api/admin/users/${partner.id}`, {
      cookie: admin,
      json: { name: 'Renamed partner' },
    });
    expect((await request(app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    const change = await request(app, 'PATCH', `/api/admin/users/${partner.id}`, {
      cookie: admin,
      json: { role: 'viewer', agencyCode: 'CHS' },
    });
    expect(change.status).toBe(200);
    expect(await change.json()).toMatchObject({
      role: 'viewer',
      agency: { code: 'CHS' },
      name: 'Renamed partner',
    });
    expect((await request(app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    const fresh = await signIn(app, partner.email, partner.password);
    expect(
      await (await request(app, 'GET', '/api/auth/me', { cookie: fresh })).json(),
    ).toMatchObject({ role: 'viewer', agency: { code: 'CHS' } });
    await request(app, 'PATCH', `/api/admin/users/${partner.id}`, {
      cookie: admin,
      json: { role: 'partner', agencyCode: 'WRS' },
    });
  });

  it('refuses an admin disabling or demoting themselves', async () => {
    const self = await request(app, 'PATCH', `/api/admin/users/${seed.users.admin.id}`, {
      cookie: admin,
      json: { disabled: true },
    });
    expect(self.status).toBe(409);
  });

  it('creates users without a password: an enrolment link lets them choose a strong one', async () => {
    const created = await request(app, 'POST', '/api/admin/users', {
      cookie: admin,
      json: { email: 'New@Test-CSP.test', name: 'New person', role: 'viewer', agencyCode: 'BDC' },
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; enrolment: { link: string } };
    expect(body).toMatchObject({
      email: 'new@test-csp.test',
      mfaEnrolled: false,
      passwordSet: false,
      disabled: false,
    });
    const code = enrolmentCode(body.enrolment.link);
    const weak = await redeemEnrolment(app, code, 'short');
    expect(weak.status).toBe(422);
    const common = await redeemEnrolment(app, code, 'password1234');
    expect(common.body.errors?.[0]?.pointer).toBe('/body/password');
    expect((await redeemEnrolment(app, code, 'Gravel-pelican-saffron-17')).status).toBe(200);
    await signIn(app, 'new@test-csp.test', 'Gravel-pelican-saffron-17');
    const duplicate = await request(app, 'POST', '/api/admin/users', {
      cookie: admin,
      json: { email: 'new@test-csp.test', name: 'Again', role: 'viewer', agencyCode: 'BDC' },
    });
    expect(duplicate.status).toBe(409);
    const unknownAgency = await request(app, 'POST', '/api/admin/users', {
      cookie: admin,
      json: { email: 'other@test-csp.test', name: 'Other', role: 'viewer', agencyCode: 'NOPE' },
    });
    expect(unknownAgency.status).toBe(422);
    const list = (await (
      await request(app, 'GET', '/api/admin/users', { cookie: admin })
    ).json()) as { users: { email: string; passwordSet: boolean }[] };
    expect(list.users.find((u) => u.email === 'new@test-csp.test')).toMatchObject({
      passwordSet: true,
    });
    expect(JSON.stringify(list)).not.toMatch(/hash|secret|token|\/enrol#/i);
  });

  it('validates settings: k never below 2, unknown fields and wrong types refused', async () => {
    expect(
      (
        await request(app, 'PATCH', '/api/admin/settings', {
          cookie: admin,
          json: { suppressionK: 1 },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await request(app, 'PATCH', '/api/admin/settings', {
          cookie: admin,
          json: { suppressionK: '5' },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await request(app, 'PATCH', '/api/admin/settings', {
          cookie: admin,
          json: { suppressionK: 4, colour: 'red' },
        })
      ).status,
    ).toBe(422);
    expect(
      (await request(app, 'PATCH', '/api/admin/settings', { cookie: admin, json: {} })).status,
    ).toBe(422);
    expect(
      (
        await request(app, 'PATCH', '/api/admin/settings', {
          cookie: admin,
          body: '{"suppressionK":',
        })
      ).status,
    ).toBe(400);
    // Published lattices: never finer than 100 m, each size once.
    for (const publishedHexSizes of [[50, 500], [250, 250], []]) {
      const refused = await request(app, 'PATCH', '/api/admin/settings', {
        cookie: admin,
        json: { publishedHexSizes },
      });
      expect(refused.status).toBe(422);
      expect(await refused.text()).toContain('publishedHexSizes');
    }
    const ok = await request(app, 'PATCH', '/api/admin/settings', {
      cookie: admin,
      json: { suppressionK: 5, retentionMonths: 24, mfaRequired: true },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      suppressionK: 5,
      retentionMonths: 24,
      mfaRequired: true,
      publishedHexSizes: [250, 500, 1000],
    });
    expect(await lastAudit()).toMatchObject({
      action: 'settings.change',
      query: { suppressionK: 5, retentionMonths: 24, mfaRequired: true },
    });
    await request(app, 'PATCH', '/api/admin/settings', {
      cookie: admin,
      json: { mfaRequired: false },
    });
  });

  it('manages agencies; SQL- and script-looking text is stored and returned literally', async () => {
    const name = `Robert'); DROP TABLE agency;-- <script>alert(1)</script>`;
    const created = await request(app, 'POST', '/api/admin/agencies', {
      cookie: admin,
      json: { code: 'VOL1', name, kind: 'voluntary' },
    });
    expect(created.status).toBe(201);
    const agency = (await created.json()) as { id: string; name: string };
    expect(agency.name).toBe(name);
    expect(
      (
        await request(app, 'POST', '/api/admin/agencies', {
          cookie: admin,
          json: { code: 'VOL1', name: 'x', kind: 'voluntary' },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await request(app, 'POST', '/api/admin/agencies', {
          cookie: admin,
          json: { code: 'lower', name: 'x', kind: 'voluntary' },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await request(app, 'POST', '/api/admin/agencies', {
          cookie: admin,
          json: { code: 'X1', name: 'x', kind: 'cult' },
        })
      ).status,
    ).toBe(422);
    const renamed = await request(app, 'PATCH', `/api/admin/agencies/${agency.id}`, {
      cookie: admin,
      json: { name: 'Youth Trust', email: 'hello@youth.example' },
    });
    expect(await renamed.json()).toMatchObject({
      code: 'VOL1',
      name: 'Youth Trust',
      email: 'hello@youth.example',
    });
    const list = (await (
      await request(app, 'GET', '/api/admin/agencies', { cookie: admin })
    ).json()) as { agencies: { code: string }[] };
    expect(list.agencies.map((a) => a.code)).toEqual([
      'BDC',
      'CHS',
      'POL',
      'RBC',
      'VOL1',
      'WFDC',
      'WRS',
    ]);
    expect(
      (
        await request(app, 'PATCH', '/api/admin/agencies/not-a-uuid', {
          cookie: admin,
          json: { name: 'x' },
        })
      ).status,
    ).toBe(422);
  });

  it('manages categories, place types and the police.uk mapping', async () => {
    const cat = await request(app, 'POST', '/api/admin/categories', {
      cookie: admin,
      json: { code: 'taxi-concern', label: 'Taxi concern', description: '<b>bold</b>' },
    });
    expect(cat.status).toBe(201);
    expect(await cat.json()).toEqual({
      code: 'taxi-concern',
      label: 'Taxi concern',
      description: '<b>bold</b>',
      retired: false,
    });
    expect(
      (
        await request(app, 'POST', '/api/admin/categories', {
          cookie: admin,
          json: { code: 'taxi-concern', label: 'x' },
        })
      ).status,
    ).toBe(409);
    const retired = await request(app, 'PATCH', '/api/admin/place-types/takeaway', {
      cookie: admin,
      json: { retired: true },
    });
    expect(await retired.json()).toMatchObject({ code: 'takeaway', retired: true });
    expect(await lastAudit()).toMatchObject({ action: 'place_type.retire', object_id: 'takeaway' });
    expect(
      (
        await request(app, 'PATCH', '/api/admin/place-types/no-such-type', {
          cookie: admin,
          json: { retired: true },
        })
      ).status,
    ).toBe(404);
    const items = (await (
      await request(app, 'GET', '/api/admin/place-types', { cookie: admin })
    ).json()) as { items: { code: string; retired: boolean }[] };
    expect(items.items.find((i) => i.code === 'takeaway')?.retired).toBe(true);

    const mapping = {
      mappings: [
        { crimeType: 'Other crime', categoryCode: 'taxi-concern' },
        { crimeType: 'Violence and sexual offences', categoryCode: 'exploitation-other' },
      ],
    };
    const put = await request(app, 'PUT', '/api/admin/police-uk-mapping', {
      cookie: admin,
      json: mapping,
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual(mapping);
    const badCategory = await request(app, 'PUT', '/api/admin/police-uk-mapping', {
      cookie: admin,
      json: { mappings: [{ crimeType: 'Drugs', categoryCode: 'no-such-category' }] },
    });
    expect(badCategory.status).toBe(422);
    const twice = await request(app, 'PUT', '/api/admin/police-uk-mapping', {
      cookie: admin,
      json: {
        mappings: [
          { crimeType: 'Drugs', categoryCode: 'taxi-concern' },
          { crimeType: 'Drugs', categoryCode: 'taxi-concern' },
        ],
      },
    });
    expect(twice.status).toBe(422);
    expect(
      await (await request(app, 'GET', '/api/admin/police-uk-mapping', { cookie: admin })).json(),
    ).toEqual(mapping);
  });

  it("never touches another partnership's users", async () => {
    const other = await seedPartnership(deps, { slug: 'other-csp' });
    const res = await request(app, 'PATCH', `/api/admin/users/${other.users.viewer.id}`, {
      cookie: admin,
      json: { disabled: true },
    });
    expect(res.status).toBe(404);
    expect(
      (
        await request(app, 'POST', `/api/admin/users/${other.users.viewer.id}/reset-mfa`, {
          cookie: admin,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await request(app, 'POST', `/api/admin/users/${other.users.viewer.id}/reset-password`, {
          cookie: admin,
        })
      ).status,
    ).toBe(404);
    await signIn(app, other.users.viewer.email, other.users.viewer.password);
  });

  it('changes the published lattices: the table is recounted for the new sizes, and the map offers only them', async () => {
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      Array.from({ length: 120 }, (_, i) => ({
        easting: 383_000 + (i % 4) * 30,
        northing: 276_500 + (i % 3) * 30,
        handlingCode: 'P' as const,
        reportedOn: `2024-0${1 + (i % 6)}-10`,
      })),
      deps.newId,
    );
    const viewer = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    const hexagons = (size: number) =>
      request(app, 'GET', `/api/layers/hexagons?sizeMeters=${size}&from=2024-01-01&to=2024-06-30`, {
        cookie: viewer,
      });
    expect((await hexagons(250)).status).toBe(200);
    const changed = await request(app, 'PATCH', '/api/admin/settings', {
      cookie: admin,
      json: { publishedHexSizes: [400, 150] },
    });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { publishedHexSizes: number[] }).publishedHexSizes).toEqual([
      150, 400,
    ]);
    const lattices = async () =>
      (
        await sql<{ lattice: string; n: string }>`
          select lattice, sum(n)::text as n from published_cell
          where partnership_id = ${seed.partnershipId} and lattice like 'hex:%'
          group by lattice order by lattice`.execute(db.kysely)
      ).rows;
    const kept = await lattices();
    expect(kept).toEqual([
      { lattice: 'hex:150', n: '120' },
      { lattice: 'hex:400', n: '120' },
    ]);
    // What the triggers kept is what a full recount gives.
    const rows = async () =>
      (
        await sql`select * from published_cell where partnership_id = ${seed.partnershipId}
          order by lattice, month, cell, category, place_type, source_grade, intelligence_grade`.execute(
          db.kysely,
        )
      ).rows;
    const incremental = await rows();
    await sql`select published_cell_rebuild(${seed.partnershipId}::uuid)`.execute(db.kysely);
    expect(await rows()).toEqual(incremental);
    // The map answers at the new sizes only, naming them.
    const old = await hexagons(250);
    expect(old.status).toBe(422);
    expect(await old.text()).toContain('must be one of 150, 400');
    const shown = (await (await hexagons(150)).json()) as {
      features: { properties: { count: { count: number } } }[];
    };
    expect(shown.features.length).toBeGreaterThan(0);
    // A refused change (finer than 100 m) leaves the table as it was.
    const refused = await request(app, 'PATCH', '/api/admin/settings', {
      cookie: admin,
      json: { publishedHexSizes: [90, 400] },
    });
    expect(refused.status).toBe(422);
    expect(await lattices()).toEqual(kept);
    await request(app, 'PATCH', '/api/admin/settings', {
      cookie: admin,
      json: { publishedHexSizes: [250, 500, 1000] },
    });
  });
});
