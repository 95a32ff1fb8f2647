// Over 400 lines because the chained fields, the hash, the writer and the verifier must agree byte
// for byte; kept in one file, a change to one is made beside the others.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditCategory, Database } from '@hotspot/db';
import type { Context } from 'hono';
import { type Kysely, sql } from 'kysely';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import type { AuditKeyring } from './audit-keys.ts';

/** Who did it and from where; taken from the request context or given explicitly (CLI, jobs). */
export interface AuditActor {
  readonly partnershipId: string | null;
  readonly userId: string | null;
  readonly role: string | null;
  readonly agencyCode: string | null;
  readonly address: string | null;
  readonly requestId: string | null;
}

/**
 * What happened. `query` holds filters and parameters only: never coordinates, summaries or
 * any other record text (DESIGN.md section 7).
 */
export interface AuditEventInput {
  readonly category: AuditCategory;
  readonly action: string;
  readonly objectType?: string | null;
  readonly objectId?: string | null;
  readonly query?: Readonly<Record<string, unknown>> | null;
  readonly outcome?: string;
  /** Overrides the actor's partnership, e.g. for a failed sign-in with no session yet. */
  readonly partnershipId?: string | null;
  /** Overrides the actor, e.g. a sign-in that has just identified the user. */
  readonly actor?: Partial<AuditActor>;
}

/** The hash every chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

// One constant key for pg_advisory_xact_lock: every audit write in every API process queues
// on it, so "read the last hash, insert the next events" never interleaves and the chain
// cannot fork. ("audt" in ASCII.)
const AUDIT_CHAIN_LOCK_KEY = 0x61756474;

// 15 parameters a row: 500 rows stay far below PostgreSQL's 65,535 bind parameters.
const MAX_EVENTS_PER_FLUSH = 500;

/** The row fields covered by an event's hash, in the form they are stored and read back. */
export interface ChainedFields {
  readonly id: string;
  readonly partnership_id: string | null;
  readonly occurred_at: Date;
  readonly actor_user_id: string | null;
  readonly actor_role: string | null;
  readonly actor_agency: string | null;
  readonly category: string;
  readonly action: string;
  readonly object_type: string | null;
  readonly object_id: string | null;
  readonly query: unknown;
  readonly outcome: string;
  readonly address: string | null;
  readonly request_id: string | null;
  /** The HMAC key that signed the event; null for legacy (plain sha256) events. */
  readonly key_id: string | null;
  readonly prev_hash: string;
}

/**
 * JSON with object keys sorted at every depth, so the same event always serialises to the
 * same bytes whatever order its fields (or jsonb's) come back in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fields an event's hash covers, named one by one (a row read back also has `hash`). */
function chainedObject(fields: ChainedFields, withKeyId: boolean) {
  return {
    id: String(fields.id),
    partnership_id: fields.partnership_id,
    occurred_at: new Date(fields.occurred_at).toISOString(),
    actor_user_id: fields.actor_user_id,
    actor_role: fields.actor_role,
    actor_agency: fields.actor_agency,
    category: fields.category,
    action: fields.action,
    object_type: fields.object_type,
    object_id: fields.object_id,
    query: fields.query ?? null,
    outcome: fields.outcome,
    address: fields.address,
    request_id: fields.request_id,
    ...(withKeyId ? { key_id: fields.key_id } : {}),
    prev_hash: fields.prev_hash,
  };
}

/**
 * The legacy link: sha256 (hex) over the canonical serialisation, which includes prev_hash.
 * Events written before migration 0008 carry it; anyone can recompute it, so it proves nothing
 * on its own (see verifyAuditChain for how those events stay covered).
 */
export function hashEvent(fields: ChainedFields): string {
  return createHash('sha256')
    .update(canonicalJson(chainedObject(fields, false)))
    .digest('hex');
}

/** HMAC-SHA256 (hex) with a key kept outside the database, over the event and its key id. */
export function hmacEvent(fields: ChainedFields, key: Buffer): string {
  return createHmac('sha256', key)
    .update(canonicalJson(chainedObject(fields, true)))
    .digest('hex');
}

/** The client's network address, as resolved once per request by the app (see app.ts). */
export function requestAddress(c: Context): string | null {
  return (c.get('clientAddress') as string | null | undefined) ?? socketAddress(c);
}

export function socketAddress(c: Context): string | null {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}

/**
 * Behind `hops` trusted proxies, the client is the address the outermost trusted proxy saw:
 * the hops-th entry from the right of X-Forwarded-For (entries further left are client-supplied
 * and could be forged). Without trusted proxies, the socket's address.
 */
export function clientAddress(c: Context, hops: number): string | null {
  if (hops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const entry = forwarded[forwarded.length - hops];
    if (entry) return entry;
  }
  return socketAddress(c);
}

export function actorFromContext(c: Context<AppEnv>): AuditActor {
  const user: SessionUser | undefined = c.get('user');
  return {
    partnershipId: user?.partnershipId ?? null,
    userId: user?.id ?? null,
    role: user?.role ?? null,
    agencyCode: user?.agencyCode ?? null,
    address: requestAddress(c),
    requestId: c.get('requestId') ?? null,
  };
}

function isContext(value: unknown): value is Context<AppEnv> {
  return typeof value === 'object' && value !== null && 'req' in value && 'get' in value;
}

/** An event as the caller describes it; the writer gives it its id and key, and chains it. */
export type UnchainedEvent = Omit<ChainedFields, 'id' | 'prev_hash' | 'category' | 'key_id'> & {
  readonly category: AuditCategory;
};

export interface AuditWriter {
  /** Resolves with the event's id once the transaction holding it has committed. */
  write(event: UnchainedEvent, keyring: AuditKeyring): Promise<string>;
}

interface PendingEvent {
  readonly event: UnchainedEvent;
  readonly keyring: AuditKeyring;
  readonly resolve: (id: string) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Appends events to the chain inside `executor`'s current transaction: takes the chain lock
 * (held until that transaction ends), reads the last link, then hashes and inserts the events
 * in order.
 */
async function appendChained(
  executor: Kysely<Database>,
  events: readonly { event: UnchainedEvent; keyring: AuditKeyring }[],
): Promise<string[]> {
  await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`.execute(executor);
  const last = await executor
    .selectFrom('audit_event')
    .select(['id', 'hash'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  let prevHash = last?.hash ?? GENESIS_HASH;
  let nextId = BigInt(last?.id ?? 0) + 1n;
  const rows = events.map(({ event, keyring }) => {
    const fields: ChainedFields = {
      ...event,
      id: String(nextId++),
      key_id: keyring.currentId,
      prev_hash: prevHash,
    };
    const hash = hmacEvent(fields, keyring.keys.get(keyring.currentId)!);
    prevHash = hash;
    return {
      ...fields,
      category: event.category,
      // Sent as text and cast by the server: postgres.js would JSON-encode a string param
      // for a jsonb column a second time (storing a JSON string, not an object).
      query:
        fields.query === null
          ? null
          : sql<string>`cast(${JSON.stringify(fields.query)}::text as jsonb)`,
      hash,
    };
  });
  await executor.insertInto('audit_event').values(rows).execute();
  return rows.map((r) => r.id);
}

/**
 * Group commit for one database handle: events that arrive while a flush is in flight queue up
 * and go together in the next transaction, under one acquisition of the chain lock, instead of a
 * transaction (and a turn at the cross-process lock) each. `write` still resolves only after the
 * transaction holding its event has committed, so a caller that awaits it discloses nothing
 * unaudited. A failed flush is retried event by event, so one bad event fails only its caller.
 */
export function createAuditWriter(kysely: Kysely<Database>): AuditWriter {
  const queue: PendingEvent[] = [];
  let flushing = false;

  const flush = async (batch: readonly PendingEvent[]) => {
    const ids = await kysely.transaction().execute((trx) =>
      appendChained(
        trx,
        batch.map((p) => ({ event: p.event, keyring: p.keyring })),
      ),
    );
    for (const [i, p] of batch.entries()) p.resolve(ids[i]!);
  };

  const drain = async () => {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_EVENTS_PER_FLUSH);
        try {
          await flush(batch);
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          for (const pending of batch) await flush([pending]).catch(pending.reject);
        }
      }
    } finally {
      flushing = false;
    }
  };

  return {
    write: (event, keyring) =>
      new Promise<string>((resolve, reject) => {
        queue.push({ event, keyring, resolve, reject });
        if (flushing) return;
        flushing = true;
        // The first flush waits for the rest of this turn of the event loop, so the events of
        // requests that arrived together share it. PGlite runs each statement synchronously:
        // without the wait no other event would queue while a flush is in flight, and every
        // request would pay for a transaction of its own.
        setImmediate(() => void drain());
      }),
  };
}

// One writer per database handle (per pool, so per process): the advisory lock still orders
// writers across processes. Keyed weakly, so a closed handle takes its writer with it.
const writers = new WeakMap<Kysely<Database>, AuditWriter>();

function writerFor(kysely: Kysely<Database>): AuditWriter {
  let writer = writers.get(kysely);
  if (!writer) {
    writer = createAuditWriter(kysely);
    writers.set(kysely, writer);
  }
  return writer;
}

/**
 * Appends one event to the hash-chained audit trail and returns its id once it is committed.
 * Used by every feature:
 * `await audit(deps, c, { category: 'disclosure', action: 'layer.hex', query: { from, to } })`.
 * Concurrent calls on one database handle share a transaction (group commit); a call made with a
 * handle bound to an open transaction writes inside it, so the event commits or rolls back with
 * that transaction's other changes.
 */
export async function audit(
  deps: Pick<AppDeps, 'db' | 'clock' | 'auditKeys'>,
  from: Context<AppEnv> | AuditActor,
  event: AuditEventInput,
): Promise<string> {
  const actor = { ...(isContext(from) ? actorFromContext(from) : from), ...event.actor };
  // Tells the route-level safety net (app.ts) that this request wrote its own event.
  if (isContext(from)) from.set('audited', true);
  const unchained: UnchainedEvent = {
    partnership_id: event.partnershipId !== undefined ? event.partnershipId : actor.partnershipId,
    occurred_at: deps.clock(),
    actor_user_id: actor.userId,
    actor_role: actor.role,
    actor_agency: actor.agencyCode,
    category: event.category,
    action: event.action,
    object_type: event.objectType ?? null,
    object_id: event.objectId ?? null,
    // Round-trip through JSON so what is hashed is exactly what jsonb gives back.
    query: event.query ? JSON.parse(JSON.stringify(event.query)) : null,
    outcome: event.outcome ?? 'ok',
    address: actor.address,
    request_id: actor.requestId,
  };
  const kysely = deps.db.kysely;
  if (kysely.isTransaction) {
    const [id] = await appendChained(kysely, [{ event: unchained, keyring: deps.auditKeys }]);
    return id!;
  }
  return writerFor(kysely).write(unchained, deps.auditKeys);
}

/** The chain head as written outside the database (see checkpoint.ts). */
export interface ChainCheckpoint {
  readonly sequence: string;
  readonly hmac: string;
  readonly at: string;
  readonly legacyUntil: string;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly events: number;
      /** The checkpoint the head was compared with, if one was found. */
      readonly checkpoint: { readonly sequence: string; readonly at: string } | null;
    }
  | {
      readonly ok: false;
      /** The first missing or broken sequence number. */
      readonly brokenAt: string;
      readonly problem: 'rewritten' | 'missing' | 'truncated' | 'unknown-key';
      readonly detail: string;
      readonly events: number;
    };

const VERIFY_PAGE_SIZE = 2000;

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Events up to this sequence were chained with plain sha256 before the key existed. */
export async function legacyUntil(db: Kysely<Database>): Promise<bigint> {
  const row = await db.selectFrom('audit_chain').select('legacy_until').executeTakeFirst();
  return BigInt(row?.legacy_until ?? 0);
}

/**
 * Recomputes the chain from the first event and compares its head with the last checkpoint
 * written outside the database. Reports the first event that is missing (a gap), whose HMAC
 * does not match its content under its key, or whose prev_hash does not match the event before
 * it (rewritten); and truncation (the head is older than the checkpoint), naming the first
 * missing sequence. Legacy events (before migration 0008, plain sha256) are accepted only up to
 * the marker migration 0008 recorded; the first keyed event's HMAC covers the last legacy hash,
 * so rewriting them breaks the keyed chain at that event.
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  keyring: AuditKeyring,
  checkpoint: ChainCheckpoint | null = null,
): Promise<VerifyResult> {
  const marker = await legacyUntil(db);
  let previousHash = GENESIS_HASH;
  let previousId = 0n;
  let checked = 0;
  let hashAtCheckpoint: string | undefined;
  const broken = (
    brokenAt: bigint,
    problem: 'rewritten' | 'missing' | 'truncated' | 'unknown-key',
    detail: string,
  ): VerifyResult => ({ ok: false, brokenAt: String(brokenAt), problem, detail, events: checked });
  for (;;) {
    const rows = await db
      .selectFrom('audit_event')
      .selectAll()
      .orderBy('id', 'asc')
      .limit(VERIFY_PAGE_SIZE)
      .where('id', '>', String(previousId))
      .execute();
    for (const row of rows) {
      const id = BigInt(row.id);
      if (id !== previousId + 1n) {
        return broken(previousId + 1n, 'missing', `event ${previousId + 1n} is missing`);
      }
      let expected: string;
      if (row.key_id === null) {
        if (id > marker) {
          return broken(
            id,
            'rewritten',
            `event ${id} has no key id but follows the legacy marker (${marker})`,
          );
        }
        expected = hashEvent(row);
      } else {
        const key = keyring.keys.get(row.key_id);
        if (!key) {
          return broken(
            id,
            'unknown-key',
            `event ${id} is signed with key "${row.key_id}", which this server does not hold`,
          );
        }
        expected = hmacEvent(row, key);
      }
      if (row.prev_hash !== previousHash || !sameHex(expected, row.hash)) {
        return broken(
          id,
          'rewritten',
          `event ${id} does not match its HMAC or the event before it`,
        );
      }
      if (checkpoint && String(id) === checkpoint.sequence) hashAtCheckpoint = row.hash;
      previousHash = row.hash;
      previousId = id;
      checked++;
    }
    if (rows.length < VERIFY_PAGE_SIZE) break;
  }
  if (!checkpoint) return { ok: true, events: checked, checkpoint: null };
  const sequence = BigInt(checkpoint.sequence);
  if (sequence > previousId) {
    return broken(
      previousId + 1n,
      'truncated',
      `events after sequence ${previousId} are missing: the checkpoint of ${checkpoint.at} saw sequence ${sequence}`,
    );
  }
  if (BigInt(checkpoint.legacyUntil) !== marker) {
    const first =
      (marker < BigInt(checkpoint.legacyUntil) ? marker : BigInt(checkpoint.legacyUntil)) + 1n;
    return broken(
      first,
      'rewritten',
      `the legacy marker moved from ${checkpoint.legacyUntil} to ${marker}`,
    );
  }
  if (
    sequence > 0n &&
    (hashAtCheckpoint === undefined || !sameHex(hashAtCheckpoint, checkpoint.hmac))
  ) {
    return broken(
      sequence,
      'rewritten',
      `event ${sequence} differs from the checkpoint of ${checkpoint.at}`,
    );
  }
  return {
    ok: true,
    events: checked,
    checkpoint: { sequence: checkpoint.sequence, at: checkpoint.at },
  };
}
