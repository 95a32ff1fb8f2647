import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
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
import { sha256Hex, totpCodeAt } from '../auth/index.ts';
import { insertRecords } from '../disclosure/testing.ts';
import { setPartnershipArea, startSmtpServer } from '../hotspots/test-support.ts';
import { createSmtpMailer } from '../notifications/index.ts';
import { ENROLMENT_HOURS } from './enrolment.ts';
import { createAndEnrol, enrolmentCode, redeemEnrolment } from './test-support.ts';

// Separation of duties (issue 16): an admin never chooses or sees a password, and the analyst
// role (record-level data) needs a second person's approval. The headline test plays the
// intruder: one admin, every route they have, trying to end up reading record points.

const ADMIN_CHOSEN = 'Admin-chosen-heliotrope-93';

interface Created {
  id: string;
  email: string;
  disabled: boolean;
  passwordSet: boolean;
  awaitingApproval: boolean;
  role: string;
  enrolment: { link: string; code: string; expiresAt: string; emailed: boolean };
}

describe.each(testDatabases())('separation of duties on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let clock: TestClock;
  let seed: SeededPartnership;
  let admin: string;
  let chair: string;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    db = await target.open();
    clock = createTestClock('2025-03-01T09:00:00Z');
    const made = createTestApp(db, {
      clock,
      env: { SMTP_URL: smtp.url, PUBLIC_ORIGIN: 'https://hotspots.example.org' },
    });
    deps = { ...made.deps, mailer: createSmtpMailer(made.deps.env) };
    app = createApp(deps);
    seed = await seedPartnership(deps);
    await setPartnershipArea(deps, seed.partnershipId);
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      [
        { easting: 383_100, northing: 273_100, handlingCode: 'P', reportedOn: '2025-01-10' },
        { easting: 383_200, northing: 273_150, handlingCode: 'P', reportedOn: '2025-01-12' },
      ],
      deps.newId,
    );
    admin = await signIn(app, seed.users.admin.email, seed.users.admin.password);
    chair = await signIn(app, seed.users.chair.email, seed.users.chair.password);
  });
  afterAll(async () => {
    await db.close();
    await smtp.close();
  });

  const create = async (email: string, role: string) => {
    const res = await request(app, 'POST', '/api/admin/users', {
      cookie: admin,
      json: { email, name: 'Sam Example', role, agencyCode: 'POL' },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Created;
  };
  const pendingFor = async (cookie: string, userId: string) => {
    const res = await request(app, 'GET', '/api/approvals', { cookie });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      mayDecide: boolean;
      approvals: { id: string; user: { id: string }; mayApprove: boolean; reason: string }[];
    };
    return { ...body, mine: body.approvals.find((a) => a.user.id === userId) };
  };
  const points = (cookie: string) => request(app, 'GET', '/api/layers/points?zoom=16', { cookie });
  const auditActions = async (objectId: string) =>
    (
      await db.kysely
        .selectFrom('audit_event')
        .select(['action', 'outcome', 'actor_user_id', 'category'])
        .where('object_id', '=', objectId)
        .orderBy('id')
        .execute()
    ).map((e) => `${e.action}:${e.outcome}`);

  it('an admin alone cannot obtain a session that reads record-level data', async () => {
    // 1. The admin cannot choose the password.
    const withPassword = await request(app, 'POST', '/api/admin/users', {
      cookie: admin,
      json: {
        email: 'sock@test-csp.test',
        name: 'Sock',
        role: 'analyst',
        agencyCode: 'POL',
        password: ADMIN_CHOSEN,
      },
    });
    expect(withPassword.status).toBe(422);

    // 2. Creating an analyst gives a link, a disabled account and a pending request.
    const created = await create('sock@test-csp.test', 'analyst');
    expect(created).toMatchObject({
      role: 'analyst',
      disabled: true,
      passwordSet: false,
      awaitingApproval: true,
      enrolment: { emailed: true },
    });
    expect(created.enrolment.link).toBe(
      `https://hotspots.example.org/enrol#${created.enrolment.code}`,
    );

    // 3. The admin redeems the link themselves: the password is set, but approval blocks.
    const redeemed = await redeemEnrolment(app, created.enrolment.code, ADMIN_CHOSEN);
    expect(redeemed).toMatchObject({ status: 200, body: { awaitingApproval: true } });
    const login = await request(app, 'POST', '/api/auth/login', {
      json: { email: created.email, password: ADMIN_CHOSEN },
    });
    expect(login.status).toBe(401);

    // 4. Approving their own request is refused, and the attempt is audited.
    const { mine, mayDecide } = await pendingFor(admin, created.id);
    expect(mayDecide).toBe(true);
    expect(mine).toMatchObject({ reason: 'create', mayApprove: false });
    const self = await request(app, 'POST', `/api/approvals/${mine!.id}/approve`, {
      cookie: admin,
    });
    expect(self.status).toBe(403);
    const refusal = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'action', 'outcome', 'actor_user_id'])
      .where('object_id', '=', mine!.id)
      .executeTakeFirstOrThrow();
    expect(refusal).toEqual({
      category: 'refusal',
      action: 'user.role-grant.approve',
      outcome: 'refused',
      actor_user_id: seed.users.admin.id,
    });
    expect(
      (
        await request(app, 'POST', '/api/auth/login', {
          json: { email: created.email, password: ADMIN_CHOSEN },
        })
      ).status,
    ).toBe(401);

    // 5. Only a second person (the chair: this partnership has one admin) makes it an analyst.
    const approved = await request(app, 'POST', `/api/approvals/${mine!.id}/approve`, {
      cookie: chair,
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ id: mine!.id, outcome: 'approved' });
    const analyst = await signIn(app, created.email, ADMIN_CHOSEN);
    const read = await points(analyst);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { features: unknown[] }).features.length).toBeGreaterThan(0);

    // Both the request and the decision are in the audit trail, with who did each.
    expect(await auditActions(created.id)).toEqual([
      'user.create:ok',
      'user.role-grant.request:pending',
      'enrolment.open:ok',
      'enrolment:ok',
      'user.role-grant.approve:approved',
    ]);
    const decision = await db.kysely
      .selectFrom('role_grant')
      .select(['requested_by', 'decided_by', 'outcome'])
      .where('id', '=', mine!.id)
      .executeTakeFirstOrThrow();
    expect(decision).toEqual({
      requested_by: seed.users.admin.id,
      decided_by: seed.users.chair.id,
      outcome: 'approved',
    });
  });

  it('holds a role change to analyst, and re-enabling an analyst, until a second person approves', async () => {
    const { viewer, analyst } = seed.users;
    const change = await request(app, 'PATCH', `/api/admin/users/${viewer.id}`, {
      cookie: admin,
      json: { role: 'analyst' },
    });
    expect(change.status).toBe(200);
    expect(await change.json()).toMatchObject({ role: 'viewer', awaitingApproval: true });
    const asViewer = await signIn(app, viewer.email, viewer.password);
    expect((await points(asViewer)).status).toBe(403);
    // Nothing else about the user changes underneath a pending request.
    const again = await request(app, 'PATCH', `/api/admin/users/${viewer.id}`, {
      cookie: admin,
      json: { role: 'partner' },
    });
    expect(again.status).toBe(409);
    const { mine } = await pendingFor(chair, viewer.id);
    expect(
      (await request(app, 'POST', `/api/approvals/${mine!.id}/approve`, { cookie: chair })).status,
    ).toBe(200);
    // The approval ends the viewer-era session; a new one reads records.
    expect((await points(asViewer)).status).toBe(401);
    expect((await points(await signIn(app, viewer.email, viewer.password))).status).toBe(200);
    // Deciding twice is a conflict.
    expect(
      (await request(app, 'POST', `/api/approvals/${mine!.id}/refuse`, { cookie: chair })).status,
    ).toBe(409);

    // Disabling an analyst is immediate; enabling them again waits for approval.
    await request(app, 'PATCH', `/api/admin/users/${analyst.id}`, {
      cookie: admin,
      json: { disabled: true },
    });
    const enable = await request(app, 'PATCH', `/api/admin/users/${analyst.id}`, {
      cookie: admin,
      json: { disabled: false },
    });
    expect(await enable.json()).toMatchObject({ disabled: true, awaitingApproval: true });
    const attempt = await request(app, 'POST', '/api/auth/login', {
      json: { email: analyst.email, password: analyst.password },
    });
    expect(attempt.status).toBe(401);
    const reEnable = await pendingFor(chair, analyst.id);
    expect(reEnable.mine).toMatchObject({ reason: 're-enable', mayApprove: true });
    await request(app, 'POST', `/api/approvals/${reEnable.mine!.id}/approve`, { cookie: chair });
    expect((await points(await signIn(app, analyst.email, analyst.password))).status).toBe(200);
  });

  it('lets the requester withdraw (refuse) their own request, which grants nothing', async () => {
    const created = await create('withdrawn@test-csp.test', 'analyst');
    const { mine } = await pendingFor(admin, created.id);
    const refuse = await request(app, 'POST', `/api/approvals/${mine!.id}/refuse`, {
      cookie: admin,
    });
    expect(await refuse.json()).toEqual({ id: mine!.id, outcome: 'refused' });
    const after = (await (
      await request(app, 'GET', '/api/admin/users', { cookie: admin })
    ).json()) as { users: Created[] };
    expect(after.users.find((u) => u.id === created.id)).toMatchObject({
      disabled: true,
      awaitingApproval: false,
    });
    expect((await auditActions(created.id)).at(-1)).toBe('user.role-grant.refuse:refused');
  });

  it('resets a password with a new link: the old password stops working; an analyst is held for approval', async () => {
    const { partner, analyst } = seed.users;
    const partnerSession = await signIn(app, partner.email, partner.password);
    const reset = await request(app, 'POST', `/api/admin/users/${partner.id}/reset-password`, {
      cookie: admin,
    });
    expect(reset.status).toBe(200);
    const body = (await reset.json()) as Created;
    expect(body).toMatchObject({ passwordSet: false, awaitingApproval: false });
    expect((await request(app, 'GET', '/api/auth/me', { cookie: partnerSession })).status).toBe(
      401,
    );
    const oldLogin = await request(app, 'POST', '/api/auth/login', {
      json: { email: partner.email, password: partner.password },
    });
    expect(oldLogin.status).toBe(401);
    const fresh = 'Partner-chose-nectarine-42';
    expect((await redeemEnrolment(app, body.enrolment.code, fresh)).status).toBe(200);
    await signIn(app, partner.email, fresh);

    // An analyst's reset would let the admin enrol the account as their own: held for approval.
    const analystReset = await request(
      app,
      'POST',
      `/api/admin/users/${analyst.id}/reset-password`,
      { cookie: admin },
    );
    const analystBody = (await analystReset.json()) as Created;
    expect(analystBody).toMatchObject({ disabled: true, awaitingApproval: true });
    expect((await redeemEnrolment(app, analystBody.enrolment.code, ADMIN_CHOSEN)).status).toBe(200);
    expect(
      (
        await request(app, 'POST', '/api/auth/login', {
          json: { email: analyst.email, password: ADMIN_CHOSEN },
        })
      ).status,
    ).toBe(401);
    const { mine } = await pendingFor(admin, analyst.id);
    expect(mine).toMatchObject({ reason: 'credential-reset', mayApprove: false });
  });

  it('issues enrolment codes that are stored hashed, single-use, replaced by a newer one and expire', async () => {
    const first = await create('tokens@test-csp.test', 'viewer');
    const rows = await db.kysely
      .selectFrom('enrolment_token')
      .selectAll()
      .where('user_id', '=', first.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(sha256Hex(`enrolment:${first.enrolment.code}`));
    expect(JSON.stringify(rows)).not.toContain(first.enrolment.code);
    expect(new Date(rows[0]!.expires_at).getTime() - clock().getTime()).toBe(
      ENROLMENT_HOURS * 3_600_000,
    );

    // A weak password is refused at its field, and the link still works afterwards.
    const weak = await redeemEnrolment(app, first.enrolment.code, 'password1234');
    expect(weak.status).toBe(422);
    expect(weak.body.errors).toEqual([{ pointer: '/body/password', detail: expect.any(String) }]);
    const password = 'Viewer-chose-barnacle-66';
    expect((await redeemEnrolment(app, first.enrolment.code, password)).status).toBe(200);
    // Single use: the same link again is refused at the token, and the password stands.
    const reuse = await redeemEnrolment(app, first.enrolment.code, 'Someone-else-quince-71');
    expect(reuse.status).toBe(422);
    expect(reuse.body.errors?.[0]?.pointer).toBe('/body/token');
    // A used (or guessed) code is audited, with no user to name.
    const attempt = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'action', 'outcome', 'actor_user_id'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(attempt).toEqual({
      category: 'authentication',
      action: 'enrolment.open',
      outcome: 'invalid-link',
      actor_user_id: null,
    });
    await signIn(app, first.email, password);

    // A newer link replaces an unused older one.
    const resetOnce = (await (
      await request(app, 'POST', `/api/admin/users/${first.id}/reset-password`, { cookie: admin })
    ).json()) as Created;
    const resetTwice = (await (
      await request(app, 'POST', `/api/admin/users/${first.id}/reset-password`, { cookie: admin })
    ).json()) as Created;
    expect((await redeemEnrolment(app, resetOnce.enrolment.code, password)).status).toBe(422);

    // Expiry follows the injected clock: valid a second before, refused at the limit.
    clock.advance(ENROLMENT_HOURS * 3_600_000 - 1000);
    const open = await request(app, 'POST', '/api/enrolment/start', {
      json: { token: resetTwice.enrolment.code },
    });
    expect(open.status).toBe(200);
    clock.advance(1000);
    const expired = await redeemEnrolment(app, resetTwice.enrolment.code, password);
    expect(expired.status).toBe(422);
    expect(expired.body.errors?.[0]?.pointer).toBe('/body/token');
    // Three days on, the staff sessions have long idled out: the later tests sign in afresh.
    admin = await signIn(app, seed.users.admin.email, seed.users.admin.password);
    chair = await signIn(app, seed.users.chair.email, seed.users.chair.password);
  });

  it('emails the link when SMTP is configured, with nothing but the link', async () => {
    const created = await create('mailed@test-csp.test', 'partner');
    const received = await smtp.waitFor(1);
    const message = received.find((m) => m.to.includes('mailed@test-csp.test'));
    expect(message?.raw).toContain(enrolmentCode(created.enrolment.link).slice(0, 20));
    expect(message?.raw).not.toContain('Sam Example');
  });

  it('sets up the second factor on enrolment where the partnership requires one', async () => {
    const mfa = await seedPartnership(deps, { slug: 'mfa-sod', mfaRequired: true });
    const mfaAdmin = await signIn(app, mfa.users.admin.email, mfa.users.admin.password, {
      totpSecret: mfa.users.admin.totpSecret,
      at: clock(),
    });
    const res = await request(app, 'POST', '/api/admin/users', {
      cookie: mfaAdmin,
      json: { email: 'two-factor@mfa-sod.test', name: 'Two', role: 'viewer', agencyCode: 'BDC' },
    });
    const { enrolment } = (await res.json()) as Created;
    const start = await request(app, 'POST', '/api/enrolment/start', {
      json: { token: enrolment.code },
    });
    const form = (await start.json()) as { secondFactor: { secret: string; qrCode: string } };
    expect(form.secondFactor.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const password = 'Twofactor-juniper-walnut-35';
    const noCode = await request(app, 'POST', '/api/enrolment/complete', {
      json: { token: enrolment.code, password },
    });
    expect(((await noCode.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe(
      '/body/code',
    );
    const done = await request(app, 'POST', '/api/enrolment/complete', {
      json: {
        token: enrolment.code,
        password,
        code: totpCodeAt(form.secondFactor.secret, clock()),
      },
    });
    expect(done.status).toBe(200);
    expect(((await done.json()) as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
    clock.advance(30_000);
    const signedIn = await signIn(app, 'two-factor@mfa-sod.test', password, {
      totpSecret: form.secondFactor.secret,
      at: clock(),
    });
    expect((await request(app, 'GET', '/api/auth/me', { cookie: signedIn })).status).toBe(200);
  });

  it('leaves approval to admins where there are two: the chair may not, the other admin may', async () => {
    const second = await createAndEnrol(app, admin, {
      email: 'second-admin@test-csp.test',
      role: 'admin',
      agencyCode: 'BDC',
    });
    const secondAdmin = await signIn(app, second.email, second.password);
    const created = await create('by-two@test-csp.test', 'analyst');
    const forChair = await pendingFor(chair, created.id);
    expect(forChair).toMatchObject({ mayDecide: false, approvals: [] });
    const { mine } = await pendingFor(secondAdmin, created.id);
    expect(mine).toMatchObject({ mayApprove: true });
    expect(
      (await request(app, 'POST', `/api/approvals/${mine!.id}/approve`, { cookie: chair })).status,
    ).toBe(403);
    expect(
      (await request(app, 'POST', `/api/approvals/${mine!.id}/approve`, { cookie: secondAdmin }))
        .status,
    ).toBe(200);
  });
});
