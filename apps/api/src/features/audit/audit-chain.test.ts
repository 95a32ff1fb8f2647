import { createDb, type Db, migrations } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { type Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  request,
  seedPartnership,
  signIn,
  TEST_AUDIT_KEYRING,
} from '../../testing/fixtures.ts';
import {
  type AuditActor,
  audit,
  GENESIS_HASH,
  hashEvent,
  hmacEvent,
  verifyAuditChain,
} from './audit.ts';
import { parseKeyring } from './audit-keys.ts';
import { checkpointDir, readCheckpoint, writeCheckpoint } from './checkpoint.ts';

// Issue 16: a plain sha256 chain verified "ok" after the newest 20 events were deleted, and
// after every event of one kind was rewritten and every hash recomputed. The chain is now keyed
// (HMAC with a key outside the database) and its head checkpointed outside the database.

const ACTOR: AuditActor = {
  partnershipId: null,
  userId: null,
  role: null,
  agencyCode: null,
  address: null,
  requestId: null,
};

/** `count` events: refusals where `refused(i)`, record views otherwise. */
async function writeEvents(deps: AppDeps, count: number, refused: (i: number) => boolean) {
  for (let i = 0; i < count; i++) {
    await audit(deps, ACTOR, {
      category: refused(i) ? 'refusal' : 'consultation',
      action: refused(i) ? 'access.refused' : 'record.view',
      objectId: String(i),
      outcome: refused(i) ? 'refused' : 'ok',
    });
  }
}

/** As a database superuser would: with the append-only triggers switched off. */
async function behindTheTriggers(db: Kysely<never>, change: () => Promise<unknown>) {
  await sql`alter table audit_event disable trigger audit_event_no_update`.execute(db);
  try {
    await change();
  } finally {
    await sql`alter table audit_event enable trigger audit_event_no_update`.execute(db);
  }
}

type Row = Parameters<typeof hashEvent>[0] & { hash: string };

/** The attacker's rewrite: new content, every later link recomputed, with `sign`. */
async function rewriteAndRechain(
  db: Db,
  rewrite: (row: Row) => Row | null,
  sign: (row: Row) => string,
): Promise<string> {
  const rows = (await db.kysely
    .selectFrom('audit_event')
    .selectAll()
    .orderBy('id')
    .execute()) as unknown as Row[];
  let previous = GENESIS_HASH;
  let first: string | undefined;
  let changing = false;
  await behindTheTriggers(db.kysely as never, async () => {
    for (const original of rows) {
      const rewritten = rewrite(original);
      if (rewritten && !changing) {
        changing = true;
        first = String(original.id);
      }
      if (!changing) {
        previous = original.hash;
        continue;
      }
      const row = { ...(rewritten ?? original), prev_hash: previous };
      const hash = sign(row);
      await db.kysely
        .updateTable('audit_event')
        .set({ outcome: row.outcome, key_id: row.key_id, prev_hash: row.prev_hash, hash })
        .where('id', '=', String(original.id))
        .execute();
      previous = hash;
    }
  });
  if (!first) throw new Error('nothing was rewritten');
  return first;
}

describe.each(testDatabases())('keyed and checkpointed audit chain on $kind', (target) => {
  let db: Db;
  let deps: AppDeps;
  let app: ReturnType<typeof createTestApp>['app'];
  let adminCookie: string;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db));
    const seed = await seedPartnership(deps);
    adminCookie = await signIn(app, seed.users.admin.email, seed.users.admin.password);
    await writeEvents(deps, 60, (i) => i % 3 === 0);
  });
  afterAll(async () => {
    await db.close();
  });

  it('signs every new event with the current key and names the key', async () => {
    const rows = await db.kysely.selectFrom('audit_event').selectAll().execute();
    expect(rows.length).toBeGreaterThan(60);
    for (const row of rows) {
      expect(row.key_id).toBe(TEST_AUDIT_KEYRING.currentId);
      expect(row.hash).toBe(hmacEvent(row, TEST_AUDIT_KEYRING.keys.get(row.key_id!)!));
    }
    const ok = await request(app, 'GET', '/api/audit/verify', { cookie: adminCookie });
    expect(await ok.json()).toMatchObject({ ok: true, checkpoint: null });
  });

  it('writes the head to a file outside the database and to the JSON log', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const dir = checkpointDir(deps.env);
    const written = await writeCheckpoint({ ...deps, logger }, dir);
    const head = await db.kysely
      .selectFrom('audit_event')
      .select(['id', 'hash'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(written).toMatchObject({ sequence: String(head.id), hmac: head.hash, legacyUntil: '0' });
    expect(readCheckpoint(dir)).toEqual(written);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'audit checkpoint',
      auditCheckpoint: written,
    });
    const ok = await request(app, 'GET', '/api/audit/verify', { cookie: adminCookie });
    expect(await ok.json()).toMatchObject({
      ok: true,
      checkpoint: { sequence: written.sequence, at: written.at },
    });
  });

  it('reports truncation when the newest 20 events are deleted, naming the first missing', async () => {
    const dir = checkpointDir(deps.env);
    const { sequence } = await writeCheckpoint(deps, dir);
    const keep = BigInt(sequence) - 20n;
    await behindTheTriggers(db.kysely as never, () =>
      db.kysely.deleteFrom('audit_event').where('id', '>', String(keep)).execute(),
    );
    // On its own the shortened chain is intact: only the checkpoint outside shows the loss.
    const res = await request(app, 'GET', '/api/audit/verify', { cookie: adminCookie });
    expect(await res.json()).toMatchObject({
      ok: false,
      problem: 'truncated',
      brokenAt: String(keep + 1n),
      detail: expect.stringContaining(`events after sequence ${keep} are missing`),
    });
  });
});

describe.each(testDatabases())('rewriting the keyed chain without the key on $kind', (target) => {
  const setUp = async () => {
    const db = await target.open();
    const { deps } = createTestApp(db);
    await writeEvents(deps, 40, (i) => i % 4 === 1);
    return { db, deps };
  };

  it('names the first rewritten event when every event of one kind is rewritten and every hash recomputed', async () => {
    const { db, deps } = await setUp();
    try {
      // The attacker hides every refusal and recomputes the chain the only ways open without
      // the key: as plain sha256, and as an HMAC under a key of their own.
      const guessed = parseKeyring(`guess:${'00'.repeat(32)}`).keys.get('guess')!;
      const first = await rewriteAndRechain(
        db,
        (row) => (row.action === 'access.refused' ? { ...row, outcome: 'ok' } : null),
        (row) => hmacEvent(row, guessed),
      );
      expect(await verifyAuditChain(db.kysely, deps.auditKeys)).toMatchObject({
        ok: false,
        problem: 'rewritten',
        brokenAt: first,
      });
      await rewriteAndRechain(
        db,
        (row) => (row.action === 'access.refused' ? { ...row, key_id: null } : null),
        (row) => hashEvent(row),
      );
      expect(await verifyAuditChain(db.kysely, deps.auditKeys)).toMatchObject({
        ok: false,
        problem: 'rewritten',
        brokenAt: first,
        detail: expect.stringContaining('follows the legacy marker'),
      });
    } finally {
      await db.close();
    }
  });

  it('verifies with retired keys after rotation, and names an event whose key is unknown', async () => {
    const { db, deps } = await setUp();
    try {
      const rotated = parseKeyring(`test-2:${'a7'.repeat(32)},test-1:${'5a'.repeat(32)}`);
      const newer = { ...deps, auditKeys: rotated };
      const id = await audit(newer, ACTOR, { category: 'admin', action: 'after.rotation' });
      expect(await verifyAuditChain(db.kysely, rotated)).toMatchObject({ ok: true });
      expect(await verifyAuditChain(db.kysely, TEST_AUDIT_KEYRING)).toMatchObject({
        ok: false,
        problem: 'unknown-key',
        brokenAt: id,
      });
    } finally {
      await db.close();
    }
  });
});

describe('events written before the key (legacy sha256, migration 0008)', () => {
  it('verifies them up to the marker, and finds them rewritten through the first keyed event', async () => {
    const db = await createDb({ memory: true });
    try {
      const provider = { getMigrations: async () => ({ ...migrations }) };
      await new Migrator({ db: db.kysely, provider }).migrateTo('0005-meetings');
      // Five events as the old writer chained them: plain sha256, no key id.
      let previous = GENESIS_HASH;
      const raw = db.kysely as unknown as Kysely<{ audit_event: Record<string, unknown> }>;
      for (let id = 1; id <= 5; id++) {
        const fields = {
          id: String(id),
          partnership_id: null,
          occurred_at: new Date(`2025-01-0${id}T10:00:00Z`),
          actor_user_id: null,
          actor_role: null,
          actor_agency: null,
          category: 'admin',
          action: 'legacy.event',
          object_type: null,
          object_id: null,
          query: null,
          outcome: 'ok',
          address: null,
          request_id: null,
          key_id: null,
          prev_hash: previous,
        };
        const hash = hashEvent(fields);
        const { key_id: _none, ...stored } = fields;
        await raw
          .insertInto('audit_event')
          .values({ ...stored, hash })
          .execute();
        previous = hash;
      }
      await new Migrator({ db: db.kysely, provider }).migrateToLatest();
      const marker = await db.kysely
        .selectFrom('audit_chain')
        .selectAll()
        .executeTakeFirstOrThrow();
      expect(String(marker.legacy_until)).toBe('5');
      await expect(
        sql`update audit_chain set legacy_until = 99`.execute(db.kysely),
      ).rejects.toThrow(/append-only/);

      const { deps } = createTestApp(db);
      const keyed = await audit(deps, ACTOR, { category: 'admin', action: 'keyed.event' });
      expect(keyed).toBe('6');
      expect(await verifyAuditChain(db.kysely, deps.auditKeys)).toEqual({
        ok: true,
        events: 6,
        checkpoint: null,
      });
      // Rewriting a legacy event and recomputing the legacy links (anyone can) is caught at the
      // first keyed event, whose HMAC covers the last legacy hash: the first link the key checks.
      await rewriteAndRechain(
        db,
        (row) => (String(row.id) === '3' ? { ...row, outcome: 'hidden' } : null),
        (row) => (row.key_id === null ? hashEvent(row) : hmacEvent(row, Buffer.alloc(32))),
      );
      expect(await verifyAuditChain(db.kysely, deps.auditKeys)).toMatchObject({
        ok: false,
        problem: 'rewritten',
        brokenAt: '6',
      });
    } finally {
      await db.close();
    }
  });
});
