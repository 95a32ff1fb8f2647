import type { Role } from '@hotspot/contracts';
import { testDatabases } from '@hotspot/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.ts';
import { bngRectangle, setPartnershipArea } from '../features/hotspots/test-support.ts';
import {
  createTestApp,
  request,
  type SeededPartnership,
  seedPartnership,
  signIn,
  type TestApp,
} from '../testing/fixtures.ts';

// Every text staff write for others in the partnership to read is screened like a record's
// summary: a note that looks like it identifies a person is refused with a 422 naming the field
// and the kind found (never the text), and nothing is written. Dates and postcodes pass.

const NOTE = 'Spoke with Mrs Patel about her daughter';
const ID = '00000000-0000-4000-8000-000000000000';

interface NoteCase {
  readonly field: string;
  readonly method: 'POST' | 'PATCH';
  readonly path: string;
  readonly role: Role;
  readonly body: Record<string, unknown>;
}

// Ids match nothing: validation answers before any lookup, so a refused note never gets as far
// as the database. The other fields may be missing; the problem lists every field's error.
const CASES: readonly NoteCase[] = [
  {
    field: 'name',
    method: 'POST',
    path: '/api/hotspots',
    role: 'chair',
    body: { source: 'drawn' },
  },
  {
    field: 'reason',
    method: 'PATCH',
    path: `/api/hotspots/${ID}`,
    role: 'chair',
    body: { status: 'closed' },
  },
  ...['objective', 'scanning', 'analysis', 'response', 'assessment'].map(
    (field): NoteCase => ({
      field,
      method: 'PATCH',
      path: `/api/hotspots/${ID}`,
      role: 'chair',
      body: {},
    }),
  ),
  { field: 'title', method: 'POST', path: `/api/hotspots/${ID}/actions`, role: 'chair', body: {} },
  { field: 'detail', method: 'POST', path: `/api/hotspots/${ID}/actions`, role: 'chair', body: {} },
  { field: 'reason', method: 'PATCH', path: `/api/actions/${ID}`, role: 'chair', body: {} },
  { field: 'note', method: 'POST', path: `/api/actions/${ID}/updates`, role: 'partner', body: {} },
  {
    field: 'outcome',
    method: 'POST',
    path: `/api/actions/${ID}/complete`,
    role: 'partner',
    body: {},
  },
  {
    field: 'reason',
    method: 'POST',
    path: `/api/actions/${ID}/decline`,
    role: 'partner',
    body: {},
  },
  { field: 'title', method: 'POST', path: '/api/admin/suggested-actions', role: 'admin', body: {} },
  {
    field: 'detail',
    method: 'POST',
    path: '/api/admin/suggested-actions',
    role: 'admin',
    body: {},
  },
  { field: 'title', method: 'POST', path: '/api/meetings', role: 'chair', body: {} },
  { field: 'place', method: 'POST', path: '/api/meetings', role: 'chair', body: {} },
  {
    field: 'title',
    method: 'POST',
    path: `/api/meetings/${ID}/agenda/items`,
    role: 'chair',
    body: {},
  },
  {
    field: 'text',
    method: 'POST',
    path: `/api/meetings/${ID}/items/${ID}/decision`,
    role: 'chair',
    body: {},
  },
  { field: 'name', method: 'POST', path: '/api/views', role: 'chair', body: {} },
];

const WRITTEN_TABLES = [
  'hotspot',
  'hotspot_status_change',
  'action',
  'action_update',
  'suggested_action',
  'meeting',
  'agenda_item',
  'agenda_decision',
  'saved_view',
] as const;

describe.each(testDatabases())('notes staff write, on $kind', (target) => {
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  const cookies = {} as Record<Role, string>;

  async function contents(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const table of WRITTEN_TABLES) {
      const r = await sql<{ h: string | null }>`
        select md5(string_agg(t::text, '|' order by t::text)) as h from ${sql.table(table)} t`.execute(
        deps.db.kysely,
      );
      out[table] = r.rows[0]?.h ?? 'empty';
    }
    return out;
  }

  beforeAll(async () => {
    ({ app, deps } = createTestApp(await target.open()));
    seed = await seedPartnership(deps);
    await setPartnershipArea(deps, seed.partnershipId);
    for (const role of ['admin', 'chair', 'partner'] as const) {
      cookies[role] = await signIn(app, seed.users[role].email, seed.users[role].password);
    }
  });
  afterAll(async () => {
    await deps.db.close();
  });

  it.each(CASES)('refuses $field of $method $path, naming the field and the kind', async (c) => {
    const before = await contents();
    const response = await request(app, c.method, c.path, {
      cookie: cookies[c.role],
      json: { ...c.body, [c.field]: NOTE },
    });
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).not.toContain('Patel');
    const problem = JSON.parse(text) as {
      detail: string;
      errors: { pointer: string; detail: string }[];
    };
    expect(problem.errors).toContainEqual({
      pointer: `/body/${c.field}`,
      detail:
        'looks like it holds personal data (name after a title); describe places and patterns, never people',
    });
    expect(problem.detail).toContain(`${c.field} looks like it holds personal data`);
    expect(await contents()).toEqual(before);
  });

  it('names every kind that identifies a person, and lets dates and postcodes through', async () => {
    const created = await request(app, 'POST', '/api/hotspots', {
      cookie: cookies.chair,
      json: {
        source: 'drawn',
        name: 'Takeaway on the ring road',
        area: bngRectangle(383_000, 273_000, 383_200, 273_200),
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const change = (objective: string) =>
      request(app, 'PATCH', `/api/hotspots/${id}`, { cookie: cookies.chair, json: { objective } });

    const kept = await change('Fewer reports at the takeaway, DY10 1AA, by 12/03/2027');
    expect(kept.status, await kept.clone().text()).toBe(200);
    expect(((await kept.json()) as { osara: { objective: string } }).osara.objective).toBe(
      'Fewer reports at the takeaway, DY10 1AA, by 12/03/2027',
    );

    const refused = await change('Her mobile is 07700 900123; car AB12 CDE; DOB 12/03/2009');
    expect(refused.status).toBe(422);
    const problem = (await refused.json()) as { errors: { pointer: string; detail: string }[] };
    expect(problem.errors[0]?.detail).toContain(
      '(phone number, date of birth, vehicle registration)',
    );
  });
});
