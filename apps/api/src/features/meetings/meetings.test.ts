import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
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
} from '../../testing/fixtures.ts';
import { insertAction, insertHotspot, insertMeeting } from './test-support.ts';

// Issue 9: the agenda generated from a crafted history holds exactly the items the rules call
// for (one of each kind) and none of the decoys; then the chair edits it, records decisions,
// takes attendance and closes the meeting; roles see what ROUTE_POLICY says.

const PREVIOUS_MEETING = '2025-02-01T10:00:00Z';
const MEETING = '2025-03-03T10:00:00Z';

interface AgendaBody {
  since: string | null;
  items: {
    id: string;
    kind: string;
    title: string;
    position: number;
    hotspot: { id: string } | null;
    action: { id: string; outcome: string | null } | null;
    decisions: { text: string; by: string }[];
  }[];
}

interface Problem {
  code?: string;
  errors?: { pointer: string }[];
}

interface MeetingBody {
  id: string;
  status: string;
  closedAt: string | null;
  attendees: { agency: { code: string }; present: boolean; user: { name: string } | null }[];
}

describe.each(testDatabases())('meetings and the generated agenda on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let other: SeededPartnership;
  let chair: string;
  let viewer: string;
  let partner: string;
  let meetingId: string;
  const expected: Record<string, string> = {};

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2025-03-01T09:00:00Z') }));
    seed = await seedPartnership(deps);
    other = await seedPartnership(deps, { slug: 'other-csp' });
    const analyst = seed.users.analyst.id;
    const a = seed.agencies;

    await insertMeeting(deps, seed.partnershipId, analyst, {
      title: 'February tasking',
      startsAt: PREVIOUS_MEETING,
      status: 'closed',
    });
    // Wanted, one of each kind.
    expected.newHotspot = await insertHotspot(deps, seed.partnershipId, analyst, {
      name: 'Station approach',
      status: 'confirmed',
      createdAt: '2025-02-15T12:00:00Z',
    });
    expected.reviewDue = await insertHotspot(deps, seed.partnershipId, analyst, {
      name: 'Riverside park',
      status: 'monitoring',
      createdAt: '2025-01-05T12:00:00Z',
      reviewOn: '2025-03-01',
    });
    const tasked = await insertHotspot(deps, seed.partnershipId, analyst, {
      name: 'High Street takeaways',
      status: 'tasked',
      createdAt: '2025-01-10T12:00:00Z',
      reviewOn: '2025-06-01',
    });
    expected.awaiting = await insertAction(deps, seed.partnershipId, tasked, analyst, {
      title: 'Licensing visit',
      agencyId: a.WRS!,
      status: 'assigned',
      dueOn: '2025-04-01',
      createdAt: '2025-02-20T12:00:00Z',
    });
    expected.overdue = await insertAction(deps, seed.partnershipId, tasked, analyst, {
      title: 'Staff awareness session',
      agencyId: a.BDC!,
      status: 'acknowledged',
      dueOn: '2025-02-25',
      createdAt: '2025-01-20T12:00:00Z',
    });
    expected.completed = await insertAction(deps, seed.partnershipId, tasked, analyst, {
      title: 'Targeted patrols',
      agencyId: a.POL!,
      status: 'completed',
      dueOn: '2025-02-28',
      createdAt: '2025-01-20T12:00:00Z',
      completedAt: '2025-02-20T16:00:00Z',
      outcome: 'Six evening patrols; premises manager engaged',
    });
    // Decoys: none of these may appear.
    await insertHotspot(deps, seed.partnershipId, analyst, {
      name: 'DECOY review not yet due',
      status: 'tasked',
      createdAt: '2025-01-05T12:00:00Z',
      reviewOn: '2025-03-04',
    });
    await insertHotspot(deps, seed.partnershipId, analyst, {
      name: 'DECOY closed since the last meeting',
      status: 'closed',
      createdAt: '2025-02-20T12:00:00Z',
      reviewOn: '2025-02-21',
    });
    await insertAction(deps, seed.partnershipId, tasked, analyst, {
      title: 'DECOY completed before the previous meeting',
      agencyId: a.POL!,
      status: 'completed',
      dueOn: '2025-01-25',
      createdAt: '2025-01-05T12:00:00Z',
      completedAt: '2025-01-20T12:00:00Z',
    });
    await insertAction(deps, seed.partnershipId, tasked, analyst, {
      title: 'DECOY due on the meeting day',
      agencyId: a.RBC!,
      status: 'in_progress',
      dueOn: '2025-03-03',
      createdAt: '2025-01-20T12:00:00Z',
    });
    await insertAction(deps, seed.partnershipId, tasked, analyst, {
      title: 'DECOY declined',
      agencyId: a.CHS!,
      status: 'declined',
      dueOn: '2025-02-01',
      createdAt: '2025-01-20T12:00:00Z',
    });
    await insertAction(deps, seed.partnershipId, tasked, analyst, {
      title: 'DECOY assigned after the meeting started',
      agencyId: a.WRS!,
      status: 'assigned',
      dueOn: '2025-04-01',
      createdAt: '2025-03-03T11:00:00Z',
    });
    // Another partnership's rows of every kind.
    const otherAnalyst = other.users.analyst.id;
    const otherHotspot = await insertHotspot(deps, other.partnershipId, otherAnalyst, {
      name: 'DECOY other partnership hotspot',
      status: 'proposed',
      createdAt: '2025-02-15T12:00:00Z',
      reviewOn: '2025-02-01',
    });
    for (const [title, status, dueOn] of [
      ['DECOY other awaiting', 'assigned', '2025-04-01'],
      ['DECOY other overdue', 'acknowledged', '2025-02-01'],
      ['DECOY other completed', 'completed', '2025-02-25'],
    ] as const) {
      await insertAction(deps, other.partnershipId, otherHotspot, otherAnalyst, {
        title,
        agencyId: other.agencies.POL!,
        status,
        dueOn,
        createdAt: '2025-02-10T12:00:00Z',
        completedAt: '2025-02-20T12:00:00Z',
      });
    }

    chair = await signIn(app, seed.users.chair.email, seed.users.chair.password);
    viewer = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    partner = await signIn(app, seed.users.partner.email, seed.users.partner.password);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('plans a meeting with a place or online, inviting agencies', async () => {
    const refused = await request(app, 'POST', '/api/meetings', {
      cookie: chair,
      json: { title: 'No venue', startsAt: MEETING },
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as Problem).errors![0]!.pointer).toBe('/body/place');

    const created = await request(app, 'POST', '/api/meetings', {
      cookie: chair,
      json: {
        title: 'March tasking',
        startsAt: MEETING,
        place: 'Council chamber',
        online: true,
        attendeeAgencyIds: [seed.agencies.POL, seed.agencies.WRS, seed.agencies.BDC],
      },
    });
    expect(created.status).toBe(201);
    const meeting = (await created.json()) as MeetingBody;
    meetingId = meeting.id;
    expect(meeting).toMatchObject({
      title: 'March tasking',
      place: 'Council chamber',
      online: true,
      status: 'planned',
      agendaGenerated: false,
      previousMeeting: { startsAt: '2025-02-01T10:00:00.000Z' },
    });
    expect(meeting.attendees.map((x: { agency: { code: string } }) => x.agency.code)).toEqual([
      'BDC',
      'POL',
      'WRS',
    ]);

    const list = (await (
      await request(app, 'GET', '/api/meetings', { cookie: viewer })
    ).json()) as {
      meetings: { title: string }[];
    };
    expect(list.meetings.map((m: { title: string }) => m.title)).toEqual([
      'March tasking',
      'February tasking',
    ]);
  });

  it('generates exactly the expected agenda from the history since the previous meeting', async () => {
    const response = await request(app, 'GET', `/api/meetings/${meetingId}/agenda`, {
      cookie: chair,
    });
    expect(response.status).toBe(200);
    const agenda = (await response.json()) as AgendaBody;
    expect(agenda.since).toBe('2025-02-01T10:00:00.000Z');
    expect(
      agenda.items.map((i) => ({
        kind: i.kind,
        hotspot: i.hotspot?.id ?? null,
        action: i.action?.id ?? null,
        position: i.position,
      })),
    ).toEqual([
      { kind: 'new-hotspot', hotspot: expected.newHotspot, action: null, position: 0 },
      { kind: 'review-due', hotspot: expected.reviewDue, action: null, position: 1 },
      {
        kind: 'overdue-action',
        hotspot: expect.any(String),
        action: expected.overdue,
        position: 2,
      },
      {
        kind: 'awaiting-acknowledgement',
        hotspot: expect.any(String),
        action: expected.awaiting,
        position: 3,
      },
      {
        kind: 'completed-action',
        hotspot: expect.any(String),
        action: expected.completed,
        position: 4,
      },
    ]);
    expect(agenda.items.some((i) => i.title.includes('DECOY'))).toBe(false);
    expect(agenda.items[4]!.action!.outcome).toBe('Six evening patrols; premises manager engaged');

    // Persisted: a second read (by a viewer) returns the same items, not a fresh generation.
    const again = (await (
      await request(app, 'GET', `/api/meetings/${meetingId}/agenda`, { cookie: viewer })
    ).json()) as AgendaBody;
    expect(again.items.map((i) => i.id)).toEqual(agenda.items.map((i) => i.id));
  });

  it('lets the chair reorder, add and remove items, and record decisions', async () => {
    const before = (await (
      await request(app, 'GET', `/api/meetings/${meetingId}/agenda`, { cookie: chair })
    ).json()) as AgendaBody;
    const ids = before.items.map((i) => i.id);

    const badOrder = await request(app, 'PATCH', `/api/meetings/${meetingId}/agenda`, {
      cookie: chair,
      json: { itemIds: ids.slice(1) },
    });
    expect(badOrder.status).toBe(422);

    const reordered = (await (
      await request(app, 'PATCH', `/api/meetings/${meetingId}/agenda`, {
        cookie: chair,
        json: { itemIds: [ids[2], ids[0], ids[1], ids[3], ids[4]] },
      })
    ).json()) as AgendaBody;
    expect(reordered.items.map((i) => i.id)).toEqual([ids[2], ids[0], ids[1], ids[3], ids[4]]);

    const added = await request(app, 'POST', `/api/meetings/${meetingId}/agenda/items`, {
      cookie: chair,
      json: { title: 'Any other business', position: 1 },
    });
    expect(added.status).toBe(201);
    const withCustom = (await added.json()) as AgendaBody;
    expect(withCustom.items.map((i) => i.kind)).toEqual([
      'overdue-action',
      'custom',
      'new-hotspot',
      'review-due',
      'awaiting-acknowledgement',
      'completed-action',
    ]);
    expect(withCustom.items.map((i) => i.position)).toEqual([0, 1, 2, 3, 4, 5]);

    const decided = await request(
      app,
      'POST',
      `/api/meetings/${meetingId}/items/${ids[2]}/decision`,
      {
        cookie: chair,
        json: { text: 'BDC to deliver the session by 14 March; escalate if not.' },
      },
    );
    expect(decided.status).toBe(201);
    expect(((await decided.json()) as { decision: unknown }).decision).toMatchObject({
      by: 'Test chair',
    });

    const refusedRemoval = await request(
      app,
      'DELETE',
      `/api/meetings/${meetingId}/agenda/items/${ids[2]}`,
      {
        cookie: chair,
      },
    );
    expect(refusedRemoval.status).toBe(409);

    const removed = (await (
      await request(app, 'DELETE', `/api/meetings/${meetingId}/agenda/items/${ids[3]}`, {
        cookie: chair,
      })
    ).json()) as AgendaBody;
    expect(removed.items.map((i) => i.kind)).toEqual([
      'overdue-action',
      'custom',
      'new-hotspot',
      'review-due',
      'completed-action',
    ]);

    // Regenerating brings back what the data still calls for, at the end, and keeps the rest.
    const regenerated = (await (
      await request(app, 'POST', `/api/meetings/${meetingId}/agenda/generate`, { cookie: chair })
    ).json()) as AgendaBody;
    expect(regenerated.items[0]!.decisions.map((d) => d.text)).toEqual([
      'BDC to deliver the session by 14 March; escalate if not.',
    ]);
    expect(regenerated.items.map((i) => i.kind).sort()).toEqual(
      [
        'awaiting-acknowledgement',
        'completed-action',
        'custom',
        'new-hotspot',
        'overdue-action',
        'review-due',
      ].sort(),
    );
    expect(regenerated.items[0]!.id).toBe(ids[2]);
    expect(regenerated.items[1]!.kind).toBe('custom');
  });

  it('takes attendance and moves the meeting from planned to in progress to closed', async () => {
    const skip = await request(app, 'PATCH', `/api/meetings/${meetingId}`, {
      cookie: chair,
      json: { status: 'closed' },
    });
    expect(skip.status).toBe(409);

    const started = await request(app, 'PATCH', `/api/meetings/${meetingId}`, {
      cookie: chair,
      json: {
        status: 'in_progress',
        attendance: [
          { agencyId: seed.agencies.POL, present: true },
          { agencyId: seed.agencies.WRS, present: true, userId: seed.users.partner.id },
          { agencyId: seed.agencies.CHS, present: true },
        ],
      },
    });
    expect(started.status).toBe(200);
    const meeting = (await started.json()) as MeetingBody;
    expect(meeting.status).toBe('in_progress');
    expect(
      meeting.attendees.map(
        (x: { agency: { code: string }; present: boolean; user: { name: string } | null }) => [
          x.agency.code,
          x.present,
          x.user?.name ?? null,
        ],
      ),
    ).toEqual([
      ['BDC', false, null],
      ['CHS', true, null],
      ['POL', true, null],
      ['WRS', true, 'Test partner'],
    ]);

    const wrongPerson = await request(app, 'PATCH', `/api/meetings/${meetingId}`, {
      cookie: chair,
      json: {
        attendance: [{ agencyId: seed.agencies.POL, present: true, userId: seed.users.partner.id }],
      },
    });
    expect(wrongPerson.status).toBe(422);

    const closed = await request(app, 'PATCH', `/api/meetings/${meetingId}`, {
      cookie: chair,
      json: { status: 'closed' },
    });
    expect(closed.status).toBe(200);
    expect(((await closed.json()) as MeetingBody).closedAt).toBe('2025-03-01T09:00:00.000Z');

    const afterClose = await request(app, 'POST', `/api/meetings/${meetingId}/agenda/items`, {
      cookie: chair,
      json: { title: 'Too late' },
    });
    expect(afterClose.status).toBe(409);
    expect(((await afterClose.json()) as Problem).code).toBe('meeting-closed');
  });

  it('keeps roles to ROUTE_POLICY and partnerships apart', async () => {
    expect(
      (await request(app, 'GET', `/api/meetings/${meetingId}/agenda`, { cookie: partner })).status,
    ).toBe(403);
    expect(
      (
        await request(app, 'POST', '/api/meetings', {
          cookie: viewer,
          json: { title: 'x', startsAt: MEETING, online: true },
        })
      ).status,
    ).toBe(403);
    const otherChair = await signIn(app, other.users.chair.email, other.users.chair.password);
    expect(
      (await request(app, 'GET', `/api/meetings/${meetingId}`, { cookie: otherChair })).status,
    ).toBe(404);
    const audit = await db.kysely
      .selectFrom('audit_event')
      .select(['action', 'category'])
      .where('object_id', '=', meetingId)
      .execute();
    expect(audit.filter((e) => e.category === 'alteration').map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'meeting.create',
        'meeting.agenda.generate',
        'meeting.decision',
        'meeting.status',
      ]),
    );
  });
});
