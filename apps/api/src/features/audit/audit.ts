import { createHash } from 'node:crypto';
import type { AuditCategory, Database } from '@hotspot/db';
import type { Context } from 'hono';
import { type Kysely, sql } from 'kysely';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';

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
// on it, so "read the last hash, insert the next event" never interleaves and the chain
// cannot fork. ("audt" in ASCII.)
const AUDIT_CHAIN_LOCK_KEY = 0x61756474;

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

/** sha256 (hex) over the canonical serialisation of the event, which includes prev_hash. */
export function hashEvent(fields: ChainedFields): string {
  // Named one by one: a row read back also carries `hash`, which must not hash itself.
  const chained = {
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
    prev_hash: fields.prev_hash,
  } satisfies Record<keyof ChainedFields, unknown>;
  return createHash('sha256').update(canonicalJson(chained)).digest('hex');
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

/**
 * Appends one event to the hash-chained audit trail and returns its id. Used by every feature:
 * `await audit(deps, c, { category: 'disclosure', action: 'layer.hex', query: { from, to } })`.
 */
export async function audit(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  from: Context<AppEnv> | AuditActor,
  event: AuditEventInput,
): Promise<string> {
  const actor = { ...(isContext(from) ? actorFromContext(from) : from), ...event.actor };
  const occurredAt = deps.clock();
  return deps.db.kysely.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`.execute(trx);
    const last = await trx
      .selectFrom('audit_event')
      .select(['id', 'hash'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const fields: ChainedFields = {
      id: String(BigInt(last?.id ?? 0) + 1n),
      partnership_id: event.partnershipId !== undefined ? event.partnershipId : actor.partnershipId,
      occurred_at: occurredAt,
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
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    await trx
      .insertInto('audit_event')
      .values({
        ...fields,
        category: event.category,
        // Sent as text and cast by the server: postgres.js would JSON-encode a string param
        // for a jsonb column a second time (storing a JSON string, not an object).
        query:
          fields.query === null
            ? null
            : sql<string>`cast(${JSON.stringify(fields.query)}::text as jsonb)`,
        hash: hashEvent(fields),
      })
      .execute();
    return fields.id;
  });
}

export type VerifyResult =
  | { readonly ok: true; readonly events: number }
  | { readonly ok: false; readonly brokenAt: string; readonly events: number };

const VERIFY_PAGE_SIZE = 2000;

/**
 * Recomputes the chain from the first event. Reports the first event whose hash does not
 * match its content or whose prev_hash does not match the event before it (a changed, removed
 * or inserted row).
 */
export async function verifyAuditChain(db: Kysely<Database>): Promise<VerifyResult> {
  let previousHash = GENESIS_HASH;
  let previousId: bigint | null = null;
  let checked = 0;
  for (;;) {
    let query = db
      .selectFrom('audit_event')
      .selectAll()
      .orderBy('id', 'asc')
      .limit(VERIFY_PAGE_SIZE);
    if (previousId !== null) query = query.where('id', '>', String(previousId));
    const rows = await query.execute();
    for (const row of rows) {
      const id = BigInt(row.id);
      const gap = previousId === null ? id !== 1n : id !== previousId + 1n;
      if (gap || row.prev_hash !== previousHash || hashEvent(row) !== row.hash) {
        return { ok: false, brokenAt: String(row.id), events: checked };
      }
      previousHash = row.hash;
      previousId = id;
      checked++;
    }
    if (rows.length < VERIFY_PAGE_SIZE) return { ok: true, events: checked };
  }
}
