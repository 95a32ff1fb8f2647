import type { AuditCategory, Database } from '@hotspot/db';
import type { Context } from 'hono';
import { type Kysely } from 'kysely';
import type { AppDeps, AppEnv } from '../../deps.ts';
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
export declare const GENESIS_HASH: string;
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
export declare function canonicalJson(value: unknown): string;
/** sha256 (hex) over the canonical serialisation of the event, which includes prev_hash. */
export declare function hashEvent(fields: ChainedFields): string;
/** The network address of the client as the API sees it (the proxy's, behind one). */
export declare function requestAddress(c: Context): string | null;
export declare function actorFromContext(c: Context<AppEnv>): AuditActor;
/**
 * Appends one event to the hash-chained audit trail and returns its id. Used by every feature:
 * `await audit(deps, c, { category: 'disclosure', action: 'layer.hex', query: { from, to } })`.
 */
export declare function audit(deps: Pick<AppDeps, 'db' | 'clock'>, from: Context<AppEnv> | AuditActor, event: AuditEventInput): Promise<string>;
export type VerifyResult = {
    readonly ok: true;
    readonly events: number;
} | {
    readonly ok: false;
    readonly brokenAt: string;
    readonly events: number;
};
/**
 * Recomputes the chain from the first event. Reports the first event whose hash does not
 * match its content or whose prev_hash does not match the event before it (a changed, removed
 * or inserted row).
 */
export declare function verifyAuditChain(db: Kysely<Database>): Promise<VerifyResult>;
