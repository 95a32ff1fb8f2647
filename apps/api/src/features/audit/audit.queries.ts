import type { z } from '@hono/zod-openapi';
import type { AuditFilterSchema } from '@hotspot/contracts';
import type { Database } from '@hotspot/db';
import type { SelectQueryBuilder } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { verifyAuditChain } from './audit.ts';
import { checkpointDir, readCheckpoint } from './checkpoint.ts';
import { csvLine } from './csv.ts';

const EXPORT_MAX_ROWS = 200_000;

export type AuditFilter = z.infer<typeof AuditFilterSchema>;

function filtered(
  deps: Pick<AppDeps, 'db'>,
  partnershipId: string,
  filter: AuditFilter,
): SelectQueryBuilder<Database, 'audit_event', object> {
  let query = deps.db.kysely
    .selectFrom('audit_event')
    // Events before sign-in (unknown emails) belong to no partnership; every admin sees them.
    .where((eb) =>
      eb.or([eb('partnership_id', '=', partnershipId), eb('partnership_id', 'is', null)]),
    );
  if (filter.category) query = query.where('category', '=', filter.category);
  if (filter.actor) query = query.where('actor_user_id', '=', filter.actor);
  if (filter.from) query = query.where('occurred_at', '>=', new Date(filter.from));
  if (filter.to) query = query.where('occurred_at', '<', new Date(filter.to));
  return query;
}

export function filtersOnly(filter: AuditFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

const CSV_COLUMNS = [
  'id',
  'occurred_at',
  'partnership_id',
  'actor_user_id',
  'actor_role',
  'actor_agency',
  'category',
  'action',
  'object_type',
  'object_id',
  'query',
  'outcome',
  'address',
  'request_id',
  'key_id',
  'prev_hash',
  'hash',
] as const;

/** A page of audit events, newest first, after the cursor when one is given. */
export async function auditPage(
  deps: Pick<AppDeps, 'db'>,
  partnershipId: string,
  filter: AuditFilter,
  cursor: string | undefined,
  limit: number,
) {
  let query = filtered(deps, partnershipId, filter)
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (cursor) query = query.where('id', '<', cursor);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return {
    events: page.map((r) => ({
      id: String(r.id),
      occurredAt: new Date(r.occurred_at).toISOString(),
      partnershipId: r.partnership_id,
      actorUserId: r.actor_user_id,
      actorRole: r.actor_role,
      actorAgency: r.actor_agency,
      category: r.category,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      query: r.query ?? null,
      outcome: r.outcome,
      address: r.address,
      requestId: r.request_id,
      keyId: r.key_id,
      hash: r.hash,
    })),
    nextCursor: rows.length > limit ? String(page.at(-1)?.id) : null,
  };
}

/** Recomputes the chain and compares its head with the checkpoint outside the database. */
export function verifyAudit(deps: Pick<AppDeps, 'db' | 'auditKeys' | 'env'>) {
  return verifyAuditChain(deps.db.kysely, deps.auditKeys, readCheckpoint(checkpointDir(deps.env)));
}

/** The filtered events as CSV text, oldest first, at most EXPORT_MAX_ROWS of them. */
export async function auditCsv(
  deps: Pick<AppDeps, 'db'>,
  partnershipId: string,
  filter: AuditFilter,
): Promise<string> {
  const rows = await filtered(deps, partnershipId, filter)
    .select(CSV_COLUMNS)
    .orderBy('id', 'asc')
    .limit(EXPORT_MAX_ROWS)
    .execute();
  return [csvLine(CSV_COLUMNS), ...rows.map((r) => csvLine(CSV_COLUMNS.map((k) => r[k])))].join('');
}
