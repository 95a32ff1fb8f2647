import { createDb, type Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  request,
  type SeededPartnership,
  seedPartnership,
  signIn,
  TEST_AUDIT_KEYRING,
  type TestApp,
} from '../../testing/fixtures.ts';
import { audit, canonicalJson, verifyAuditChain } from './audit.ts';
import { csvCell } from './csv.ts';

describe('canonical serialisation and CSV cells', () => {
  it('serialises objects with sorted keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: true } })).toBe(
      '{"a":{"c":true,"d":[2,{"e":"x","f":null}]},"b":1}',
    );
  });
  it('neutralises formula cells and quotes separators', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe('"\'\tx"');
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell('plain, text')).toBe('"plain, text"');
    expect(csvCell(null)).toBe('');
  });
  it('neutralises a formula after any separator, where another program would start a cell', () => {
    // Excel splits on `;` where that is the list separator; others split on tab or `|`.
    expect(csvCell('note;=HYPERLINK("http://evil.example")')).toBe(
      '"note;\'=HYPERLINK(""http://evil.example"")"',
    );
    expect(csvCell('a|+1')).toBe('"a|\'+1"');
    expect(csvCell('a\t@SUM(A1)')).toBe('"a\t\'@SUM(A1)"');
    expect(csvCell('a,-1+2')).toBe('"a,\'-1+2"');
    expect(csvCell('a;\r=1')).toBe('"a;\'\r\'=1"');
    expect(csvCell('line one\n=cmd')).toBe('"line one\n\'=cmd"');
    // Triggers elsewhere stay as written: dates, ranges and e-mail-like text are not formulas.
    expect(csvCell('2025-03-01')).toBe('2025-03-01');
    expect(csvCell('a = b')).toBe('a = b');
    expect(csvCell('x@y')).toBe('x@y');
  });
  it('leaves no cell of any separator-split reading starting with a formula trigger', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '|', 'a', '"', ' '),
        }),
        (text) => {
          const cell = csvCell(text);
          const body = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
          for (const piece of body.split(/[,;\t|\r\n]/)) {
            expect(piece === '' || !/^[=+\-@]/.test(piece), JSON.stringify(text)).toBe(true);
          }
          expect(/^[=+\-@\t\r]/.test(body)).toBe(false);
        },
      ),
      { seed: 20261202 },
    );
  });
});

describe.each(testDatabases())('audit trail on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let adminCookie: string;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db));
    seed = await seedPartnership(deps);
    adminCookie = await signIn(app, seed.users.admin.email, seed.users.admin.password);
  });
  afterAll(async () => {
    await db.close();
  });

  it('records sign-in, failed sign-in and refusals with who, role, agency and request id', async () => {
    await request(app, 'POST', '/api/auth/login', {
      json: { email: seed.users.viewer.email, password: 'wrong-password-for-viewer' },
    });
    await request(app, 'POST', '/api/auth/login', {
      json: { email: 'nobody@nowhere.test', password: 'wrong-password-for-nobody' },
    });
    const viewer = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    const refused = await request(app, 'GET', '/api/audit', { cookie: viewer });
    expect(refused.status).toBe(403);
    const events = await db.kysely
      .selectFrom('audit_event')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(4)
      .execute();
    const [refusal, signedIn, unknownFailure, viewerFailure] = events;
    expect(refusal).toMatchObject({
      category: 'refusal',
      action: 'access.refused',
      object_type: 'route',
      object_id: 'GET /api/audit',
      actor_user_id: seed.users.viewer.id,
      actor_role: 'viewer',
      actor_agency: 'RBC',
      partnership_id: seed.partnershipId,
      outcome: 'refused',
    });
    expect(refusal?.request_id).toMatch(/.+/);
    expect(((await refused.json()) as { instance: string }).instance).toBe(
      `urn:request:${refusal?.request_id}`,
    );
    expect(signedIn).toMatchObject({
      category: 'authentication',
      action: 'login',
      outcome: 'ok',
      actor_user_id: seed.users.viewer.id,
    });
    // An unknown email leaves no trace of what was typed.
    expect(unknownFailure).toMatchObject({
      category: 'authentication',
      outcome: 'failed',
      actor_user_id: null,
      partnership_id: null,
    });
    expect(JSON.stringify(unknownFailure)).not.toContain('nobody');
    expect(viewerFailure).toMatchObject({ outcome: 'failed', actor_user_id: seed.users.viewer.id });
    expect(JSON.stringify(events)).not.toMatch(/wrong-password/);
  });

  it('lists events newest first with filters and cursor pagination', async () => {
    for (let i = 0; i < 5; i++) {
      await audit(
        deps,
        {
          partnershipId: seed.partnershipId,
          userId: seed.users.analyst.id,
          role: 'analyst',
          agencyCode: 'POL',
          address: null,
          requestId: `r${i}`,
        },
        {
          category: 'consultation',
          action: 'record.view',
          objectType: 'record',
          objectId: String(i),
        },
      );
    }
    const first = await request(
      app,
      'GET',
      `/api/audit?category=consultation&actor=${seed.users.analyst.id}&limit=3`,
      { cookie: adminCookie },
    );
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { events: { objectId: string }[]; nextCursor: string };
    expect(page1.events.map((e) => e.objectId)).toEqual(['4', '3', '2']);
    const second = await request(
      app,
      'GET',
      `/api/audit?category=consultation&limit=3&cursor=${page1.nextCursor}`,
      { cookie: adminCookie },
    );
    const page2 = (await second.json()) as {
      events: { objectId: string }[];
      nextCursor: string | null;
    };
    expect(page2.events.map((e) => e.objectId)).toEqual(['1', '0']);
    expect(page2.nextCursor).toBeNull();
    const bad = await request(app, 'GET', '/api/audit?category=gossip&limit=9999', {
      cookie: adminCookie,
    });
    expect(bad.status).toBe(422);
    const future = await request(app, 'GET', '/api/audit?from=2999-01-01T00:00:00Z', {
      cookie: adminCookie,
    });
    expect(((await future.json()) as { events: unknown[] }).events).toEqual([]);
  });

  it('exports CSV with formula-looking cells neutralised', async () => {
    await audit(
      deps,
      {
        partnershipId: seed.partnershipId,
        userId: null,
        role: null,
        agencyCode: null,
        address: null,
        requestId: null,
      },
      {
        category: 'admin',
        action: 'test.csv',
        objectType: 'agency',
        objectId: '=HYPERLINK("http://evil.example","x")',
      },
    );
    const res = await request(app, 'GET', '/api/audit/export.csv?category=admin', {
      cookie: adminCookie,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe(
      'id,occurred_at,partnership_id,actor_user_id,actor_role,actor_agency,category,action,object_type,object_id,query,outcome,address,request_id,key_id,prev_hash,hash',
    );
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  });

  it('verifies the chain after 1,000 concurrent audited requests (two API instances on PostgreSQL)', async () => {
    if (target.createUrl) {
      // Two more "processes", each with its own connection pool, on one new database.
      const url = await target.createUrl();
      const dbA = await createDb({ databaseUrl: url, maxConnections: 10 });
      const dbB = await createDb({ databaseUrl: url, maxConnections: 10 });
      const a = createTestApp(dbA);
      const b = createTestApp(dbB);
      const shared = await seedPartnership(a.deps);
      const viewerA = await signIn(a.app, shared.users.viewer.email, shared.users.viewer.password);
      const viewerB = await signIn(b.app, shared.users.viewer.email, shared.users.viewer.password);
      const responses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          i % 2 === 0
            ? request(a.app, 'GET', '/api/audit', { cookie: viewerA })
            : request(b.app, 'GET', '/api/audit', { cookie: viewerB }),
        ),
      );
      expect(responses.every((r) => r.status === 403)).toBe(true);
      const result = await verifyAuditChain(dbA.kysely, TEST_AUDIT_KEYRING);
      const count = await dbA.kysely
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBeGreaterThanOrEqual(1002);
      expect(result).toEqual({ ok: true, events: Number(count.n), checkpoint: null });
      await dbA.close();
      await dbB.close();
      return;
    }
    // PGlite is one process with one connection: concurrency within it.
    const viewer = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    const responses = await Promise.all(
      Array.from({ length: 1000 }, () => request(app, 'GET', '/api/audit', { cookie: viewer })),
    );
    expect(responses.every((r) => r.status === 403)).toBe(true);
    const res = await request(app, 'GET', '/api/audit/verify', { cookie: adminCookie });
    const body = (await res.json()) as { ok: boolean; events: number };
    expect(body.ok).toBe(true);
    expect(body.events).toBeGreaterThan(1000);
  });

  it('fails only the caller whose event cannot be stored when events are written together', async () => {
    const actor = {
      partnershipId: seed.partnershipId,
      userId: null,
      role: null,
      agencyCode: null,
      address: null,
      requestId: null,
    };
    // Queued behind one another, these share a flush; the NUL byte makes the database refuse
    // the batch, and only the event carrying it may fail.
    const results = await Promise.allSettled(
      ['a', 'b', 'bad\u0000id', 'c', 'd'].map((objectId) =>
        audit(deps, actor, { category: 'admin', action: 'test.group', objectId }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const stored = await db.kysely
      .selectFrom('audit_event')
      .select('object_id')
      .where('action', '=', 'test.group')
      .orderBy('id')
      .execute();
    expect(stored.map((e) => e.object_id)).toEqual(['a', 'b', 'c', 'd']);
    expect(await verifyAuditChain(db.kysely, TEST_AUDIT_KEYRING)).toMatchObject({ ok: true });
  });

  it('names the exact event when a row is altered behind the triggers, and when one is forged', async () => {
    const ok = await request(app, 'GET', '/api/audit/verify', { cookie: adminCookie });
    expect(await ok.json()).toMatchObject({ ok: true });
    const updateRefused = sql`update audit_event set action = 'x' where id = 3`.execute(db.kysely);
    await expect(updateRefused).rejects.toThrow(/append-only/);

    // As a superuser would: switch the trigger off, rewrite event 7, switch it back on.
    await sql`alter table audit_event disable trigger audit_event_no_update`.execute(db.kysely);
    await sql`update audit_event set outcome = 'refused-but-hidden' where id = 7`.execute(
      db.kysely,
    );
    await sql`alter table audit_event enable trigger audit_event_no_update`.execute(db.kysely);
    const broken = await request(app, 'GET', '/api/audit/verify', { cookie: adminCookie });
    expect(await broken.json()).toEqual({
      ok: false,
      brokenAt: '7',
      problem: 'rewritten',
      detail: 'event 7 does not match its HMAC or the event before it',
      events: 6,
    });
  });

  it('finds a forged event appended with a made-up hash', async () => {
    const forgedDb = await target.open();
    try {
      const forged = createTestApp(forgedDb);
      const s = await seedPartnership(forged.deps);
      const cookie = await signIn(forged.app, s.users.admin.email, s.users.admin.password);
      const last = await forgedDb.kysely
        .selectFrom('audit_event')
        .select(['id', 'hash'])
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const forgedId = String(Number(last.id) + 1);
      await forgedDb.kysely
        .insertInto('audit_event')
        .values({
          id: forgedId,
          partnership_id: s.partnershipId,
          occurred_at: new Date(),
          category: 'admin',
          action: 'nothing.to.see',
          outcome: 'ok',
          prev_hash: last.hash,
          hash: 'f'.repeat(64),
        })
        .execute();
      const res = await request(forged.app, 'GET', '/api/audit/verify', { cookie });
      expect(await res.json()).toMatchObject({ ok: false, brokenAt: forgedId });
    } finally {
      await forgedDb.close();
    }
  });
});
