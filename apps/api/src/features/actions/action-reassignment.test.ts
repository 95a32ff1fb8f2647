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
import { bngRectangle, createPartner, setPartnershipArea } from '../hotspots/test-support.ts';
import { runNotificationSweep } from '../notifications/index.ts';

// Reassigning and rescheduling an open action (PATCH /api/actions/{id}) on each database: the
// chair moves an acknowledged action from WRS to POL; POL must acknowledge it afresh and is
// notified in the app and by email (without the action's text); WRS loses it (404, as any other
// agency's action); partners and viewers may not reassign; bad input is a problem naming the
// field; closed actions are final. Reading notifications is audited too.

const TITLE = 'Licensing visit to the takeaway';
const REASON = 'WRS has no licensing officer free this month';

interface ActionBody {
  id: string;
  status: string;
  dueOn: string;
  priority: string;
  agency: { id: string; code: string };
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  availableSteps: string[];
  timeline: { fromStatus: string | null; toStatus: string | null; note: string | null }[];
}

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
}

interface NotificationList {
  notifications: { id: string; kind: string; actionId: string | null; message: string }[];
  unread: number;
}

describe.each(testDatabases())('reassigning and rescheduling an action on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let other: SeededPartnership;
  let hotspotId = '';
  const cookies: Record<string, string> = {};
  const partnerIds: Record<string, string> = {};

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, {
      clock: createTestClock('2025-03-01T09:00:00Z'),
      // Emails are queued (never sent here): what would leave the system can be read back.
      env: { SMTP_URL: 'smtp://127.0.0.1:1', PUBLIC_ORIGIN: 'https://hotspots.example.org' },
    }));
    seed = await seedPartnership(deps);
    other = await seedPartnership(deps, { slug: 'other-csp' });
    await setPartnershipArea(deps, seed.partnershipId);
    await db.kysely
      .updateTable('agency')
      .set({ email: 'control-room@police.example.org' })
      .where('id', '=', seed.agencies.POL!)
      .execute();
    for (const role of ['analyst', 'chair', 'partner', 'viewer'] as const) {
      cookies[role] = await signIn(app, seed.users[role].email, seed.users[role].password);
    }
    cookies.WRS = cookies.partner!;
    partnerIds.WRS = seed.users.partner.id;
    for (const code of ['POL', 'BDC']) {
      const partner = await createPartner(deps, seed, code);
      partnerIds[code] = partner.id;
      cookies[code] = await signIn(app, partner.email, partner.password);
    }
    cookies.otherChair = await signIn(app, other.users.chair.email, other.users.chair.password);

    const hotspot = await request(app, 'POST', '/api/hotspots', {
      cookie: cookies.chair,
      json: {
        source: 'drawn',
        name: 'Station approach',
        area: bngRectangle(383_000, 273_000, 383_200, 273_200),
      },
    });
    expect(hotspot.status, await hotspot.clone().text()).toBe(201);
    hotspotId = ((await hotspot.json()) as { id: string }).id;
    const confirmed = await request(app, 'PATCH', `/api/hotspots/${hotspotId}`, {
      cookie: cookies.chair,
      json: { status: 'confirmed', reason: 'Agreed at tasking' },
    });
    expect(confirmed.status).toBe(200);
  });
  afterAll(async () => {
    await db?.close();
  });

  async function assign(code: string, dueOn: string, title = TITLE): Promise<string> {
    const res = await request(app, 'POST', `/api/hotspots/${hotspotId}/actions`, {
      cookie: cookies.chair,
      json: { priority: 'pursue-disrupt', agencyId: seed.agencies[code], title, dueOn },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as ActionBody).id;
  }

  function patch(id: string, cookie: string | undefined, json: unknown) {
    return request(app, 'PATCH', `/api/actions/${id}`, { cookie, json });
  }

  async function notices(cookie: string | undefined): Promise<NotificationList> {
    const res = await request(app, 'GET', '/api/notifications', { cookie });
    expect(res.status).toBe(200);
    return (await res.json()) as NotificationList;
  }

  async function actionRow(id: string) {
    return db.kysely
      .selectFrom('action')
      .select([
        'agency_id',
        'status',
        'priority',
        'acknowledged_by',
        (eb) => eb.cast<string>('due_on', 'text').as('due_on'),
      ])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  async function timelineLength(id: string): Promise<number> {
    const rows = await db.kysely
      .selectFrom('action_update')
      .select('id')
      .where('action_id', '=', id)
      .execute();
    return rows.length;
  }

  let movedId = '';

  it('lets the chair move an acknowledged action to another agency with a new due date and priority; the new agency must acknowledge it', async () => {
    movedId = await assign('WRS', '2025-03-20');
    const ack = await request(app, 'POST', `/api/actions/${movedId}/acknowledge`, {
      cookie: cookies.WRS,
    });
    expect(ack.status).toBe(200);

    const res = await patch(movedId, cookies.chair, {
      agencyId: seed.agencies.POL,
      dueOn: '2025-04-10',
      priority: 'prevention-education',
      reason: REASON,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as ActionBody;
    expect(body).toMatchObject({
      status: 'assigned',
      agency: { code: 'POL' },
      dueOn: '2025-04-10',
      priority: 'prevention-education',
      acknowledgedAt: null,
      acknowledgedBy: null,
    });
    expect(body.availableSteps).toEqual(['note', 'reassign']);
    const last = body.timeline.at(-1)!;
    expect(last).toMatchObject({ fromStatus: 'acknowledged', toStatus: 'assigned' });
    expect(last.note).toBe(
      'Reassigned from Worcestershire Regulatory Services to West Mercia Police; due date moved from 2025-03-20 to 2025-04-10; priority changed from Pursue & Disrupt to Prevention & Education. Reason: WRS has no licensing officer free this month',
    );

    // The new agency's partner sees it, unacknowledged, and may acknowledge it (not reassign it).
    const seen = await request(app, 'GET', `/api/actions/${movedId}`, { cookie: cookies.POL });
    expect(seen.status).toBe(200);
    const seenBody = (await seen.json()) as ActionBody;
    expect(seenBody.status).toBe('assigned');
    expect(seenBody.availableSteps).toContain('acknowledge');
    expect(seenBody.availableSteps).not.toContain('reassign');
    const mine = (await (
      await request(app, 'GET', '/api/actions?mine=1', { cookie: cookies.POL })
    ).json()) as { actions: { id: string }[] };
    expect(mine.actions.map((a) => a.id)).toContain(movedId);
  });

  it('takes the action away from the previous agency: a 404 like any other agency, audited as a refusal', async () => {
    const missing = await request(app, 'GET', '/api/actions/00000000-0000-4000-8000-000000000000', {
      cookie: cookies.WRS,
    });
    const missingBody = (await missing.json()) as Record<string, unknown>;
    const attempts = await Promise.all([
      request(app, 'GET', `/api/actions/${movedId}`, { cookie: cookies.WRS }),
      request(app, 'POST', `/api/actions/${movedId}/acknowledge`, { cookie: cookies.WRS }),
      request(app, 'POST', `/api/actions/${movedId}/updates`, {
        cookie: cookies.WRS,
        json: { note: 'Still ours?' },
      }),
    ]);
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect({ ...((await res.json()) as Record<string, unknown>), instance: undefined }).toEqual({
        ...missingBody,
        instance: undefined,
      });
    }
    const list = (await (
      await request(app, 'GET', '/api/actions', { cookie: cookies.WRS })
    ).json()) as { actions: { id: string }[] };
    expect(list.actions.map((a) => a.id)).not.toContain(movedId);
    // WRS has no other action on the hotspot, so the hotspot goes from its map too.
    const hotspot = await request(app, 'GET', `/api/hotspots/${hotspotId}`, {
      cookie: cookies.WRS,
    });
    expect(hotspot.status).toBe(404);
    const refusals = await db.kysely
      .selectFrom('audit_event')
      .select(['actor_agency'])
      .where('category', '=', 'refusal')
      .where('action', '=', 'action.other-agency')
      .where('object_id', '=', movedId)
      .execute();
    expect(refusals).toHaveLength(3);
    expect(refusals.every((r) => r.actor_agency === 'WRS')).toBe(true);
  });

  it("notifies the new agency's partners in the app and by email, with no intelligence in the email", async () => {
    const pol = await notices(cookies.POL);
    expect(pol.notifications).toEqual([
      expect.objectContaining({
        kind: 'action-assigned',
        actionId: movedId,
        message: `New action for West Mercia Police: ${TITLE}`,
      }),
    ]);
    // Nobody else is told, and WRS's list no longer names the action it has lost (the row stays).
    const wrs = await notices(cookies.WRS);
    expect(wrs.notifications.filter((n) => n.actionId === movedId)).toEqual([]);
    expect(wrs.unread).toBe(0);
    const stored = await db.kysely
      .selectFrom('notification')
      .select('user_id')
      .where('action_id', '=', movedId)
      .execute();
    expect(stored.map((n) => n.user_id).sort()).toEqual([partnerIds.WRS!, partnerIds.POL!].sort());

    const emails = await db.kysely
      .selectFrom('email_outbox')
      .select(['recipient', 'subject', 'body'])
      .where('subject', '=', 'An action has been assigned to West Mercia Police')
      .execute();
    expect(emails.map((e) => e.recipient).sort()).toEqual(
      ['control-room@police.example.org', 'partner-pol@test-csp.test'].sort(),
    );
    for (const email of emails) {
      expect(email.body).toContain(`https://hotspots.example.org/actions/${movedId}`);
      for (const secret of [TITLE, REASON, 'Station approach', 'Worcestershire Regulatory']) {
        expect(`${email.subject}\n${email.body}`).not.toContain(secret);
      }
    }
  });

  it('audits the change with ids, dates and priorities, never the reason or the title', async () => {
    const events = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'actor_role', 'object_type', 'query'])
      .where('action', '=', 'action.reassign')
      .where('object_id', '=', movedId)
      .execute();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      category: 'alteration',
      actor_role: 'chair',
      object_type: 'action',
    });
    expect(event!.query).toEqual({
      fields: ['agencyId', 'dueOn', 'priority'],
      from: {
        agencyId: seed.agencies.WRS,
        dueOn: '2025-03-20',
        priority: 'pursue-disrupt',
        status: 'acknowledged',
      },
      to: {
        agencyId: seed.agencies.POL,
        dueOn: '2025-04-10',
        priority: 'prevention-education',
        status: 'assigned',
      },
    });
    const text = JSON.stringify(event!.query);
    expect(text).not.toContain('licensing officer');
    expect(text).not.toContain(TITLE);
  });

  it('notifies an agency again when an action comes back to it (its old notice shows again too)', async () => {
    const back = await patch(movedId, cookies.chair, {
      agencyId: seed.agencies.WRS,
      reason: 'Officer back from leave',
    });
    expect(back.status, await back.clone().text()).toBe(200);
    const wrs = await notices(cookies.WRS);
    expect(wrs.notifications.filter((n) => n.actionId === movedId)).toHaveLength(2);
    // The old notice was read when WRS acknowledged the action at the start; the new one is not.
    expect(wrs.unread).toBe(1);
    const gone = await request(app, 'GET', `/api/actions/${movedId}`, { cookie: cookies.POL });
    expect(gone.status).toBe(404);
  });

  it('lets an analyst (who assigns actions too) reschedule without moving the action: status and acknowledgement stay', async () => {
    const id = await assign('BDC', '2025-03-25', 'Staff awareness session');
    await request(app, 'POST', `/api/actions/${id}/acknowledge`, { cookie: cookies.BDC });
    const before = await notices(cookies.BDC);
    // The form sends every field; an unchanged agency is no reassignment.
    const res = await patch(id, cookies.analyst, {
      agencyId: seed.agencies.BDC,
      dueOn: '2025-03-25',
      priority: 'recognition-identification',
      reason: 'Raised at tasking: this is about recognising signs',
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as ActionBody;
    expect(body).toMatchObject({
      status: 'acknowledged',
      agency: { code: 'BDC' },
      dueOn: '2025-03-25',
      priority: 'recognition-identification',
    });
    expect(body.acknowledgedBy).toBe('Partner of BDC');
    expect(body.timeline.at(-1)).toEqual(
      expect.objectContaining({
        fromStatus: null,
        toStatus: null,
        note: 'Priority changed from Pursue & Disrupt to Recognition & Identification. Reason: Raised at tasking: this is about recognising signs',
      }),
    );
    expect((await notices(cookies.BDC)).notifications).toHaveLength(before.notifications.length);
    const audited = await db.kysely
      .selectFrom('audit_event')
      .select(['actor_role', 'query'])
      .where('action', '=', 'action.reassign')
      .where('object_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(audited.actor_role).toBe('analyst');
    expect((audited.query as { fields: string[] }).fields).toEqual(['priority']);
  });

  it('refuses partners (even the assigned agency) and viewers with 403, changing nothing', async () => {
    const id = await assign('WRS', '2025-03-22');
    for (const cookie of [cookies.WRS, cookies.POL, cookies.viewer]) {
      const res = await patch(id, cookie, { dueOn: '2025-05-01', reason: 'We would like longer' });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    const unsigned = await patch(id, undefined, { dueOn: '2025-05-01', reason: 'No session' });
    expect(unsigned.status).toBe(401);
    expect(await actionRow(id)).toMatchObject({
      due_on: '2025-03-22',
      agency_id: seed.agencies.WRS,
    });
    const refused = await db.kysely
      .selectFrom('audit_event')
      .select('actor_role')
      .where('category', '=', 'refusal')
      .where('object_id', '=', 'PATCH /api/actions/:id')
      .execute();
    expect(refused.map((r) => r.actor_role).sort()).toEqual(['partner', 'partner', 'viewer']);
  });

  it("refuses an agency of another partnership (422 naming agencyId), and another partnership's action is a 404", async () => {
    const id = await assign('WRS', '2025-03-22');
    const before = await timelineLength(id);
    const res = await patch(id, cookies.chair, {
      agencyId: other.agencies.POL,
      reason: 'Their police team',
    });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as Problem;
    expect(problem.type).toBe('urn:problem:validation');
    expect(problem.detail).toMatch(/^agencyId is not an agency of this partnership/);
    expect(problem.errors).toEqual([
      { pointer: '/body/agencyId', detail: 'is not an agency of this partnership' },
    ]);
    const fromOther = await patch(id, cookies.otherChair, {
      dueOn: '2025-05-01',
      reason: 'Not our action',
    });
    expect(fromOther.status).toBe(404);
    const none = await patch('00000000-0000-4000-8000-000000000000', cookies.chair, {
      dueOn: '2025-05-01',
      reason: 'No such action',
    });
    expect(none.status).toBe(404);
    expect((await none.json()) as Problem).toMatchObject({ type: 'urn:problem:not-found' });
    // Nothing half-written: no timeline entry, no notice, no audit event.
    expect(await actionRow(id)).toMatchObject({ agency_id: seed.agencies.WRS });
    expect(await timelineLength(id)).toBe(before);
    const audited = await db.kysely
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'action.reassign')
      .where('object_id', '=', id)
      .execute();
    expect(audited).toEqual([]);
  });

  it('refuses completed and declined actions with 409', async () => {
    const done = await assign('WRS', '2025-03-22');
    await request(app, 'POST', `/api/actions/${done}/acknowledge`, { cookie: cookies.WRS });
    const completed = await request(app, 'POST', `/api/actions/${done}/complete`, {
      cookie: cookies.WRS,
      json: { outcome: 'Visited; conditions reviewed' },
    });
    expect(completed.status).toBe(200);
    const declined = await assign('BDC', '2025-03-22');
    const decline = await request(app, 'POST', `/api/actions/${declined}/decline`, {
      cookie: cookies.BDC,
      json: { reason: 'Commissioned by the county' },
    });
    expect(decline.status).toBe(200);
    for (const [id, status] of [
      [done, 'completed'],
      [declined, 'declined'],
    ] as const) {
      const res = await patch(id, cookies.chair, {
        agencyId: seed.agencies.POL,
        reason: 'Try the police instead',
      });
      expect(res.status).toBe(409);
      const problem = (await res.json()) as Problem & { code: string };
      expect(problem).toMatchObject({
        type: 'urn:problem:conflict',
        code: 'action-closed',
        status: 409,
      });
      expect(problem.detail).toContain(status);
      expect((await actionRow(id)).status).toBe(status);
    }
    const detail = (await (
      await request(app, 'GET', `/api/actions/${done}`, { cookie: cookies.chair })
    ).json()) as ActionBody;
    expect(detail.availableSteps).toEqual([]);
  });

  it('answers bad input with a problem naming the field and why', async () => {
    const id = await assign('WRS', '2025-03-22');
    const cases: [unknown, string, RegExp][] = [
      [{ dueOn: '2025-05-01' }, '/body/reason', /^reason is required/],
      [{ dueOn: '2025-05-01', reason: '  ' }, '/body/reason', /^reason must be at least 3/],
      [{ dueOn: '01/05/2025', reason: 'Later please' }, '/body/dueOn', /^dueOn must be a date/],
      [{ dueOn: '2025-02-30', reason: 'Later please' }, '/body/dueOn', /^dueOn must be a date/],
      [
        { dueOn: '2025-02-28', reason: 'Earlier' },
        '/body/dueOn',
        /^dueOn must be 2025-03-01 or later/,
      ],
      [{ priority: 'urgent', reason: 'More urgent' }, '/body/priority', /^priority must be one of/],
      [{ agencyId: 'POL', reason: 'Police' }, '/body/agencyId', /^agencyId must be the id/],
      [{ reason: 'Nothing to change' }, '/body', /^Give at least one of agencyId, dueOn, priority/],
      [
        { dueOn: '2025-03-22', priority: 'pursue-disrupt', reason: 'Same again' },
        '/body',
        /^Nothing would change/,
      ],
      [{ dueOn: '2025-05-01', reason: 'Later', status: 'assigned' }, '/body', /status/],
    ];
    for (const [json, pointer, detail] of cases) {
      const res = await patch(id, cookies.chair, json);
      const text = await res.clone().text();
      expect(res.status, text).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await res.json()) as Problem;
      expect(problem.detail, text).toMatch(detail);
      expect(
        problem.errors?.map((e) => e.pointer),
        text,
      ).toContain(pointer);
    }
    const malformed = await request(app, 'PATCH', `/api/actions/${id}`, {
      cookie: cookies.chair,
      body: '{"reason":',
    });
    expect([400, 422]).toContain(malformed.status);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    expect(await actionRow(id)).toMatchObject({ due_on: '2025-03-22', priority: 'pursue-disrupt' });
  });

  it('will not hand an overdue action to a new agency without a new due date', async () => {
    const id = await assign('WRS', '2025-03-02');
    // Time has passed since it was assigned: it is now overdue.
    await db.kysely
      .updateTable('action')
      .set({ due_on: '2025-02-27' })
      .where('id', '=', id)
      .execute();
    const stale = await patch(id, cookies.chair, {
      agencyId: seed.agencies.POL,
      reason: 'Police to take it on',
    });
    expect(stale.status).toBe(422);
    expect(((await stale.json()) as Problem).errors).toEqual([
      {
        pointer: '/body/dueOn',
        detail: 'is past: give the new agency a due date of 2025-03-01 or later',
      },
    ]);
    const fresh = await patch(id, cookies.chair, {
      agencyId: seed.agencies.POL,
      dueOn: '2025-03-09',
      reason: 'Police to take it on',
    });
    expect(fresh.status, await fresh.clone().text()).toBe(200);
    expect(((await fresh.json()) as ActionBody & { overdue: boolean }).overdue).toBe(false);
  });

  it('reminds the new agency of a due date the previous agency was already reminded of', async () => {
    const id = await assign('WRS', '2025-03-03', 'Test purchase operation');
    const first = await runNotificationSweep({ ...deps, mailer: undefined });
    expect(first.notificationsCreated).toBeGreaterThan(0);
    const dueSoon = (cookie: string | undefined) =>
      notices(cookie).then((l) =>
        l.notifications.filter((n) => n.actionId === id && n.kind === 'action-due-soon'),
      );
    expect(await dueSoon(cookies.WRS)).toHaveLength(1);
    const moved = await patch(id, cookies.chair, {
      agencyId: seed.agencies.BDC,
      reason: 'Trading standards lead for the council',
    });
    expect(moved.status, await moved.clone().text()).toBe(200);
    await runNotificationSweep({ ...deps, mailer: undefined });
    expect(await dueSoon(cookies.BDC)).toHaveLength(1);
  });

  it('audits reading notifications: the list and marking one read, and refuses another user’s', async () => {
    const list = await notices(cookies.POL);
    const notice = list.notifications[0]!;
    const listed = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'actor_user_id', 'query'])
      .where('action', '=', 'notification.list')
      .where('actor_user_id', '=', partnerIds.POL!)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(listed).toMatchObject({
      category: 'consultation',
      query: { results: list.notifications.length, unread: list.unread },
    });
    // The query holds counts only, never a notice's text.
    expect(JSON.stringify(listed.query)).not.toContain(TITLE);

    const read = await request(app, 'POST', `/api/notifications/${notice.id}/read`, {
      cookie: cookies.POL,
    });
    expect(read.status).toBe(204);
    const readEvents = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'actor_user_id', 'object_type', 'query'])
      .where('action', '=', 'notification.read')
      .where('object_id', '=', notice.id)
      .execute();
    expect(readEvents).toEqual([
      {
        category: 'consultation',
        actor_user_id: partnerIds.POL,
        object_type: 'notification',
        query: null,
      },
    ]);

    const othersRead = await request(app, 'POST', `/api/notifications/${notice.id}/read`, {
      cookie: cookies.WRS,
    });
    expect(othersRead.status).toBe(404);
    const missing = await request(
      app,
      'POST',
      '/api/notifications/00000000-0000-4000-8000-000000000000/read',
      { cookie: cookies.WRS },
    );
    expect(missing.status).toBe(404);
    expect({ ...((await othersRead.json()) as object), instance: undefined }).toEqual({
      ...((await missing.json()) as object),
      instance: undefined,
    });
    const refusals = await db.kysely
      .selectFrom('audit_event')
      .select(['actor_user_id', 'outcome'])
      .where('action', '=', 'notification.other-user')
      .execute();
    expect(refusals).toEqual([{ actor_user_id: partnerIds.WRS, outcome: 'refused' }]);
  });
});
