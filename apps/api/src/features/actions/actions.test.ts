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
  type TestClock,
} from '../../testing/fixtures.ts';
import { disclosureViolations, insertRecords, storedRecords } from '../disclosure/testing.ts';
import { createPartner, setPartnershipArea, startSmtpServer } from '../hotspots/test-support.ts';
import { createSmtpMailer, runNotificationSweep } from '../notifications/index.ts';

// The whole tasking flow of issue 8 on each database: an analyst proposes a hotspot from a
// DBSCAN cluster, the chair confirms it and assigns three actions to three agencies, each partner
// sees and works only its own, another agency's action stays invisible (404, refusal audited),
// overdue follows the injected clock, and email reaches a real SMTP server without intelligence.

const HOTSPOT_NAME = 'Canalside takeaway cluster';
const SECRET_DETAIL = 'Staff at the takeaway on Mill Street seen giving lifts';
const CLUSTER_CENTRE = { x: 383_100, y: 273_100 };

interface ActionBody {
  id: string;
  status: string;
  overdue: boolean;
  agency: { code: string };
  title: string;
  availableSteps: string[];
  timeline: { toStatus: string | null; note: string | null }[];
  outcome: string | null;
}

describe.each(testDatabases())('partnership response flow on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let clock: TestClock;
  let seed: SeededPartnership;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const cookies: Record<string, string> = {};
  const partnerEmails: Record<string, string> = {};
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    smtp = await startSmtpServer();
    db = await target.open();
    clock = createTestClock('2025-03-01T09:00:00Z');
    ({ app, deps } = createTestApp(db, {
      clock,
      env: {
        SMTP_URL: smtp.url,
        PUBLIC_ORIGIN: 'https://hotspots.example.org',
        MAIL_FROM: 'Hotspot map <noreply@example.org>',
      },
    }));
    seed = await seedPartnership(deps);
    await setPartnershipArea(deps, seed.partnershipId);
    await db.kysely
      .updateTable('agency')
      .set({ email: 'licensing-team@wrs.example.org' })
      .where('id', '=', seed.agencies.WRS!)
      .execute();
    // A tight cluster of 8 P and 2 C reports, and 12 scattered reports that are noise.
    const offsets = [
      [0, 0],
      [20, 5],
      [-15, 10],
      [10, -20],
      [25, 25],
      [-20, -10],
      [5, 30],
      [-25, 20],
      [15, 12],
      [-8, -25],
    ] as const;
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      [
        ...offsets.map(([dx, dy], i) => ({
          easting: CLUSTER_CENTRE.x + dx,
          northing: CLUSTER_CENTRE.y + dy,
          handlingCode: (i < 8 ? 'P' : 'C') as 'P' | 'C',
          reportedOn: `2025-01-${String(10 + i).padStart(2, '0')}`,
          summary: `Crafted cluster report ${i}`,
        })),
        ...Array.from({ length: 12 }, (_, i) => ({
          easting: 380_500 + (i % 4) * 1400,
          northing: 270_500 + Math.floor(i / 4) * 1700,
          handlingCode: 'P' as const,
          reportedOn: '2024-12-01',
        })),
      ],
      deps.newId,
    );
    partnerEmails.WRS = seed.users.partner.email;
    for (const code of ['POL', 'BDC']) {
      const partner = await createPartner(deps, seed, code);
      partnerEmails[code] = partner.email;
      passwords[code] = partner.password;
    }
    await signInEveryone();
  });

  /** Sessions time out when the test clock jumps, so everyone signs in again after a jump. */
  async function signInEveryone() {
    for (const role of ['analyst', 'chair', 'partner', 'viewer'] as const) {
      cookies[role] = await signIn(app, seed.users[role].email, seed.users[role].password);
    }
    cookies.WRS = cookies.partner!;
    for (const code of ['POL', 'BDC'])
      cookies[code] = await signIn(app, partnerEmails[code]!, passwords[code]!);
  }
  afterAll(async () => {
    await db?.close();
    await smtp?.close();
  });

  let hotspotId = '';
  const actionIds: Record<string, string> = {};

  it('lets an analyst propose a hotspot from a DBSCAN cluster; the area is computed server-side', async () => {
    const res = await request(app, 'POST', '/api/hotspots', {
      cookie: cookies.analyst,
      json: {
        source: 'dbscan',
        name: HOTSPOT_NAME,
        parameters: { epsMeters: 60, minPoints: 5 },
        period: { from: '2024-03-01', to: '2025-03-01' },
        clusterId: 0,
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as {
      id: string;
      status: string;
      method: string;
      stats: { reports: number; cluster: { size: number } };
      area: { geometry: { type: string } };
      statusHistory: { to: string; by: string }[];
    };
    hotspotId = body.id;
    expect(body).toMatchObject({ status: 'proposed', method: 'dbscan' });
    expect(body.stats.reports).toBe(10);
    expect(body.stats.cluster.size).toBe(10);
    expect(body.area.geometry.type).toBe('MultiPolygon');
    expect(body.statusHistory).toEqual([
      expect.objectContaining({ to: 'proposed', by: 'Test analyst' }),
    ]);
    // Cluster 0 names the same ten reports in the DBSCAN layer and the panel's summary.
    const layer = (await (
      await request(
        app,
        'GET',
        '/api/analysis/dbscan?epsMeters=60&minPoints=5&from=2024-03-01&to=2025-03-01',
        { cookie: cookies.analyst },
      )
    ).json()) as {
      features: { properties: { clusterId: number; recordIds: string[] } }[];
    };
    const first = layer.features.find((f) => f.properties.clusterId === 0);
    expect(first?.properties.recordIds).toHaveLength(10);
    const summary = await request(app, 'POST', '/api/analysis/summary', {
      cookie: cookies.analyst,
      json: {
        from: '2024-03-01',
        to: '2025-03-01',
        cluster: { epsMeters: 60, minPoints: 5, clusterId: 0 },
      },
    });
    expect(summary.status, await summary.clone().text()).toBe(200);
    expect(((await summary.json()) as { count: number }).count).toBe(10);

    // Chairs cannot start from a cluster: it is record-level.
    const refused = await request(app, 'POST', '/api/hotspots', {
      cookie: cookies.chair,
      json: {
        source: 'dbscan',
        name: 'x',
        parameters: { epsMeters: 60, minPoints: 5 },
        period: { from: '2024-03-01', to: '2025-03-01' },
        clusterId: 0,
      },
    });
    expect(refused.status).toBe(403);
  });

  it('shows the chair a published outline and published counts only', async () => {
    const res = await request(app, 'GET', `/api/hotspots/${hotspotId}`, { cookie: cookies.chair });
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body.stats).toBeUndefined();
    expect(body.parameters).toBeUndefined();
    // 8 P reports (the 2 C reports never count for a chair), as the published table shows
    // them: within its bound (2) of the truth.
    const shown = (body.reports as { count: number }).count;
    expect(Math.abs(shown - 8)).toBeLessThanOrEqual(2);
    expect(disclosureViolations(text, await storedRecords(db, seed.partnershipId), 3)).toEqual([]);
  });

  it('lets the chair confirm it with a reason, and refuses a jump the lifecycle does not allow', async () => {
    const noReason = await request(app, 'PATCH', `/api/hotspots/${hotspotId}`, {
      cookie: cookies.chair,
      json: { status: 'confirmed' },
    });
    expect(noReason.status).toBe(422);
    const confirmed = await request(app, 'PATCH', `/api/hotspots/${hotspotId}`, {
      cookie: cookies.chair,
      json: {
        status: 'confirmed',
        reason: 'Agreed at the March tasking meeting',
        risk: 'high',
        reviewOn: '2025-04-01',
        objective: 'Reduce concerns reported at the canalside',
      },
    });
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    const body = (await confirmed.json()) as {
      status: string;
      risk: string;
      statusHistory: { from: string | null; to: string; reason: string }[];
    };
    expect(body.status).toBe('confirmed');
    expect(body.risk).toBe('high');
    expect(body.statusHistory.map((h) => [h.from, h.to])).toEqual([
      [null, 'proposed'],
      ['proposed', 'confirmed'],
    ]);
    expect(body.statusHistory[1]!.reason).toBe('Agreed at the March tasking meeting');
    const jump = await request(app, 'PATCH', `/api/hotspots/${hotspotId}`, {
      cookie: cookies.chair,
      json: { status: 'closed', reason: 'x'.repeat(3) },
    });
    expect(jump.status).toBe(200); // closing is always possible...
    const reopen = await request(app, 'PATCH', `/api/hotspots/${hotspotId}`, {
      cookie: cookies.chair,
      json: { status: 'confirmed', reason: 'Closed by mistake' },
    });
    expect(reopen.status).toBe(409); // ...but a closed hotspot reopens to monitoring only
    expect(((await reopen.json()) as { allowed: string[] }).allowed).toEqual(['monitoring']);
    for (const [status, reason] of [
      ['monitoring', 'Closed by mistake'],
      ['tasked', 'Back to active tasking'],
    ] as const) {
      const step = await request(app, 'PATCH', `/api/hotspots/${hotspotId}`, {
        cookie: cookies.chair,
        json: { status, reason },
      });
      expect(step.status, await step.clone().text()).toBe(200);
    }
    const partnerTry = await request(app, 'PATCH', `/api/hotspots/${hotspotId}`, {
      cookie: cookies.partner,
      json: { name: 'renamed' },
    });
    expect(partnerTry.status).toBe(403);
  });

  it('lets the chair assign three actions to three agencies, and notifies each agency', async () => {
    const plan = [
      {
        code: 'WRS',
        priority: 'pursue-disrupt',
        title: 'Licensing visit to the takeaway',
        dueOn: '2025-03-20',
      },
      { code: 'POL', priority: 'pursue-disrupt', title: 'Targeted patrols', dueOn: '2025-03-03' },
      {
        code: 'BDC',
        priority: 'prevention-education',
        title: 'Staff awareness session',
        dueOn: '2025-03-15',
      },
    ] as const;
    for (const a of plan) {
      const res = await request(app, 'POST', `/api/hotspots/${hotspotId}/actions`, {
        cookie: cookies.chair,
        json: {
          priority: a.priority,
          agencyId: seed.agencies[a.code],
          title: a.title,
          detail: SECRET_DETAIL,
          dueOn: a.dueOn,
        },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const body = (await res.json()) as ActionBody;
      expect(body).toMatchObject({ status: 'assigned', agency: { code: a.code }, overdue: false });
      actionIds[a.code] = body.id;
    }
    const pastDue = await request(app, 'POST', `/api/hotspots/${hotspotId}/actions`, {
      cookie: cookies.chair,
      json: {
        priority: 'pursue-disrupt',
        agencyId: seed.agencies.POL,
        title: 'Late',
        dueOn: '2025-02-01',
      },
    });
    expect(pastDue.status).toBe(422);
    const hotspot = (await (
      await request(app, 'GET', `/api/hotspots/${hotspotId}`, { cookie: cookies.chair })
    ).json()) as {
      status: string;
      openActions: number;
      actions: unknown[];
    };
    expect(hotspot.status).toBe('tasked');
    expect(hotspot.actions).toHaveLength(3);

    // In-app: each agency's partner has exactly one assignment notice.
    for (const code of ['WRS', 'POL', 'BDC']) {
      const list = (await (
        await request(app, 'GET', '/api/notifications', { cookie: cookies[code] })
      ).json()) as {
        notifications: { kind: string; actionId: string }[];
        unread: number;
      };
      expect(list.notifications).toEqual([
        expect.objectContaining({ kind: 'action-assigned', actionId: actionIds[code] }),
      ]);
      expect(list.unread).toBe(1);
    }
  });

  it('emails the assignments through SMTP to the right people, with no intelligence in them', async () => {
    const mailer = createSmtpMailer(deps.env);
    const first = await runNotificationSweep({ ...deps, mailer });
    // POL's action is due 2025-03-03, within three days of 2025-03-01: a due-soon notice too.
    expect(first.emailsSent).toBe(4 + 1);
    // A second sweep (or another process) sends nothing again.
    const second = await runNotificationSweep({ ...deps, mailer });
    expect(second).toEqual({ notificationsCreated: 0, emailsSent: 0, emailsFailed: 0 });
    const received = await smtp.waitFor(5);
    expect(received).toHaveLength(5);
    const recipients = received.flatMap((m) => m.to).sort();
    expect(recipients).toEqual(
      [
        partnerEmails.WRS!,
        'licensing-team@wrs.example.org',
        partnerEmails.POL!,
        partnerEmails.POL!,
        partnerEmails.BDC!,
      ].sort(),
    );
    const toWrs = received.find((m) => m.to.includes(partnerEmails.WRS!))!;
    expect(toWrs.raw).toMatch(
      /Subject: An action has been assigned to Worcestershire Regulatory Services/,
    );
    expect(toWrs.raw).toContain(`https://hotspots.example.org/actions/${actionIds.WRS}`);
    const toPolDueSoon = received.find(
      (m) => m.to.includes(partnerEmails.POL!) && /is due soon/.test(m.raw),
    );
    expect(toPolDueSoon).toBeDefined();
    for (const message of received) {
      for (const secret of [
        HOTSPOT_NAME,
        SECRET_DETAIL,
        'Licensing visit',
        'Targeted patrols',
        'Staff awareness',
        'Crafted cluster',
        'canalside',
      ]) {
        expect(message.raw.toLowerCase()).not.toContain(secret.toLowerCase());
      }
      expect(message.raw).not.toMatch(/-?\d{1,3}\.\d{4,}/); // no coordinates
    }
  });

  it("shows each partner only its own agency's actions", async () => {
    for (const code of ['WRS', 'POL', 'BDC']) {
      const res = await request(app, 'GET', '/api/actions?mine=1', { cookie: cookies[code] });
      expect(res.status).toBe(200);
      const { actions } = (await res.json()) as { actions: ActionBody[] };
      expect(actions.map((a) => a.id)).toEqual([actionIds[code]]);
      // Even without mine=1, and even asking for another agency.
      const all = (await (
        await request(app, 'GET', '/api/actions?agency=POL', { cookie: cookies[code] })
      ).json()) as { actions: ActionBody[] };
      expect(all.actions.map((a) => a.id)).toEqual([actionIds[code]]);
    }
    const hotspots = (await (
      await request(app, 'GET', '/api/hotspots', { cookie: cookies.WRS })
    ).json()) as {
      hotspots: { id: string; openActions: number }[];
    };
    expect(hotspots.hotspots).toEqual([expect.objectContaining({ id: hotspotId, openActions: 1 })]);
    const detail = (await (
      await request(app, 'GET', `/api/hotspots/${hotspotId}`, { cookie: cookies.WRS })
    ).json()) as {
      actions: { id: string }[];
      osara: Record<string, unknown>;
    };
    expect(detail.actions.map((a) => a.id)).toEqual([actionIds.WRS]);
    expect(detail.osara).not.toHaveProperty('analysis');
  });

  /** The actions a partner's unread notices are about. */
  const unread = async (code: string) =>
    (
      (await (
        await request(app, 'GET', '/api/notifications', { cookie: cookies[code] })
      ).json()) as { notifications: { actionId: string; read: boolean }[] }
    ).notifications
      .filter((n) => !n.read)
      .map((n) => n.actionId);

  it("marks a partner's notice read when its action is opened", async () => {
    expect(await unread('WRS')).toContain(actionIds.WRS);
    // Another agency's action is not found, and reads nothing.
    const refused = await request(app, 'GET', `/api/actions/${actionIds.POL}`, {
      cookie: cookies.WRS,
    });
    expect(refused.status).toBe(404);
    expect(await unread('POL')).toContain(actionIds.POL);
    const opened = await request(app, 'GET', `/api/actions/${actionIds.WRS}`, {
      cookie: cookies.WRS,
    });
    expect(opened.status).toBe(200);
    expect(await unread('WRS')).not.toContain(actionIds.WRS);
  });

  it("hides agency A's action from agency B (404, not 403) and audits every attempt as a refusal", async () => {
    const wrsAction = actionIds.WRS!;
    const attempts = [
      request(app, 'GET', `/api/actions/${wrsAction}`, { cookie: cookies.POL }),
      request(app, 'POST', `/api/actions/${wrsAction}/acknowledge`, { cookie: cookies.POL }),
      request(app, 'POST', `/api/actions/${wrsAction}/updates`, {
        cookie: cookies.POL,
        json: { note: 'hello' },
      }),
      request(app, 'POST', `/api/actions/${wrsAction}/complete`, {
        cookie: cookies.POL,
        json: { outcome: 'done' },
      }),
      request(app, 'POST', `/api/actions/${wrsAction}/decline`, {
        cookie: cookies.POL,
        json: { reason: 'not ours' },
      }),
    ];
    const missing = await request(app, 'GET', '/api/actions/00000000-0000-4000-8000-000000000000', {
      cookie: cookies.POL,
    });
    const missingBody = (await missing.json()) as Record<string, unknown>;
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      // Indistinguishable from an id that does not exist.
      expect({ ...((await res.json()) as Record<string, unknown>), instance: undefined }).toEqual({
        ...missingBody,
        instance: undefined,
      });
    }
    const refusals = await db.kysely
      .selectFrom('audit_event')
      .select(['actor_agency', 'object_id', 'category'])
      .where('category', '=', 'refusal')
      .where('object_id', '=', wrsAction)
      .execute();
    expect(refusals).toHaveLength(5);
    expect(refusals.every((r) => r.actor_agency === 'POL')).toBe(true);
    const unchanged = (await (
      await request(app, 'GET', `/api/actions/${wrsAction}`, { cookie: cookies.WRS })
    ).json()) as ActionBody;
    expect(unchanged.status).toBe('assigned');
    // Nor can B see the hotspot, which it has no action on... except POL does have one here.
    const bdcHotspots = (await (
      await request(app, 'GET', '/api/hotspots', { cookie: cookies.BDC })
    ).json()) as { hotspots: unknown[] };
    expect(bdcHotspots.hotspots).toHaveLength(1);
  });

  it('computes overdue with the injected clock, on the board and in the sweep', async () => {
    const board = async () =>
      (await (
        await request(app, 'GET', '/api/actions?overdue=1', { cookie: cookies.chair })
      ).json()) as { actions: ActionBody[]; today: string };
    expect((await board()).actions).toEqual([]);
    clock.set('2025-03-04T08:00:00Z'); // POL's action was due 2025-03-03
    await signInEveryone();
    const overdue = await board();
    expect(overdue.today).toBe('2025-03-04');
    expect(overdue.actions.map((a) => a.id)).toEqual([actionIds.POL]);
    const sweep = await runNotificationSweep({ ...deps, mailer: createSmtpMailer(deps.env) });
    // The POL partner and the chair who assigned it.
    expect(sweep.notificationsCreated).toBe(2);
    expect(sweep.emailsSent).toBe(2);
    const received = await smtp.waitFor(7);
    const overdueMails = received.filter((m) => /is overdue/.test(m.raw));
    expect(overdueMails.flatMap((m) => m.to).sort()).toEqual(
      [partnerEmails.POL!, seed.users.chair.email].sort(),
    );
    const chairNotices = (await (
      await request(app, 'GET', '/api/notifications', { cookie: cookies.chair })
    ).json()) as {
      notifications: { kind: string; actionId: string }[];
    };
    expect(chairNotices.notifications).toEqual([
      expect.objectContaining({ kind: 'action-overdue', actionId: actionIds.POL }),
    ]);
  });

  it('lets each partner acknowledge, update and complete its own action, with a timeline', async () => {
    for (const code of ['WRS', 'POL', 'BDC']) {
      const id = actionIds[code]!;
      const early = await request(app, 'POST', `/api/actions/${id}/complete`, {
        cookie: cookies[code],
        json: { outcome: 'Too soon' },
      });
      expect(early.status).toBe(409);
      // POL and BDC have not opened theirs: the notices stay unread until acknowledged.
      if (code !== 'WRS') expect(await unread(code)).toContain(id);
      const ack = await request(app, 'POST', `/api/actions/${id}/acknowledge`, {
        cookie: cookies[code],
      });
      expect(ack.status, await ack.clone().text()).toBe(200);
      expect(((await ack.json()) as ActionBody).status).toBe('acknowledged');
      expect(await unread(code)).not.toContain(id);
      const again = await request(app, 'POST', `/api/actions/${id}/acknowledge`, {
        cookie: cookies[code],
      });
      expect(again.status).toBe(409);
      const update = await request(app, 'POST', `/api/actions/${id}/updates`, {
        cookie: cookies[code],
        json: { note: 'Visit booked', status: 'in_progress' },
      });
      expect(update.status, await update.clone().text()).toBe(201);
      const noBlank = await request(app, 'POST', `/api/actions/${id}/complete`, {
        cookie: cookies[code],
        json: { outcome: '  ' },
      });
      expect(noBlank.status).toBe(422);
      const done = await request(app, 'POST', `/api/actions/${id}/complete`, {
        cookie: cookies[code],
        json: { outcome: 'Visited; licence conditions reviewed with the manager' },
      });
      expect(done.status).toBe(200);
      const body = (await done.json()) as ActionBody;
      expect(body.status).toBe('completed');
      expect(body.outcome).toBe('Visited; licence conditions reviewed with the manager');
      expect(body.availableSteps).toEqual([]);
      expect(body.timeline.map((t) => [t.toStatus, t.note])).toEqual([
        ['assigned', null],
        ['acknowledged', null],
        ['in_progress', 'Visit booked'],
        ['completed', null],
      ]);
    }
    // Chairs may add notes but not act for an agency.
    const chairNote = await request(app, 'POST', `/api/actions/${actionIds.WRS}/updates`, {
      cookie: cookies.chair,
      json: { note: 'Thanks', status: 'in_progress' },
    });
    expect(chairNote.status).toBe(403);
    const chairAck = await request(app, 'POST', `/api/actions/${actionIds.WRS}/acknowledge`, {
      cookie: cookies.chair,
    });
    expect(chairAck.status).toBe(403);
    const completed = (await (
      await request(app, 'GET', '/api/actions?status=completed', { cookie: cookies.chair })
    ).json()) as { actions: ActionBody[] };
    expect(completed.actions).toHaveLength(3);
  });

  it('records a decline with its reason and tells the chair', async () => {
    const res = await request(app, 'POST', `/api/hotspots/${hotspotId}/actions`, {
      cookie: cookies.analyst,
      json: {
        priority: 'intervention-support',
        agencyId: seed.agencies.BDC,
        title: 'Youth outreach',
        dueOn: '2025-04-01',
      },
    });
    const { id } = (await res.json()) as ActionBody;
    const declined = await request(app, 'POST', `/api/actions/${id}/decline`, {
      cookie: cookies.BDC,
      json: { reason: 'Outreach is commissioned by the county' },
    });
    expect(declined.status).toBe(200);
    expect(await declined.json()).toMatchObject({
      status: 'declined',
      declineReason: 'Outreach is commissioned by the county',
    });
    const chair = (await (
      await request(app, 'GET', '/api/notifications', { cookie: cookies.chair })
    ).json()) as {
      notifications: { id: string; kind: string; actionId: string }[];
      unread: number;
    };
    const notice = chair.notifications.find((n) => n.kind === 'action-declined');
    expect(notice?.actionId).toBe(id);
    const read = await request(app, 'POST', `/api/notifications/${notice!.id}/read`, {
      cookie: cookies.chair,
    });
    expect(read.status).toBe(204);
    const othersRead = await request(app, 'POST', `/api/notifications/${notice!.id}/read`, {
      cookie: cookies.WRS,
    });
    expect(othersRead.status).toBe(404);
  });

  it('exports the board as CSV safe from formula injection, audited as a disclosure', async () => {
    await request(app, 'POST', `/api/hotspots/${hotspotId}/actions`, {
      cookie: cookies.chair,
      json: {
        priority: 'pursue-disrupt',
        agencyId: seed.agencies.CHS,
        title: '=HYPERLINK("http://evil")',
        dueOn: '2025-04-01',
      },
    });
    const res = await request(app, 'GET', '/api/actions/export.csv?agency=CHS', {
      cookie: cookies.chair,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await res.text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(2);
    const partner = await request(app, 'GET', '/api/actions/export.csv', { cookie: cookies.WRS });
    expect(partner.status).toBe(403);
    const audited = await db.kysely
      .selectFrom('audit_event')
      .select('category')
      .where('action', '=', 'action.export')
      .execute();
    expect(audited).toEqual([{ category: 'disclosure' }]);
  });
});
