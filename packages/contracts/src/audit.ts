import { z } from 'zod';

// The wire format of the audit trail: its categories, the page of events and the chain check.

export const AUDIT_CATEGORIES = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
  'authentication',
  'refusal',
  'admin',
] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

export const AuditFilterSchema = z.strictObject({
  category: z.enum(AUDIT_CATEGORIES).optional(),
  actor: z.uuid().optional().meta({ description: 'User id of the actor' }),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Inclusive, ISO 8601' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Exclusive, ISO 8601' }),
});

export const AuditListQuerySchema = AuditFilterSchema.extend({
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/)
    .optional()
    .meta({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const AuditEventSchema = z
  .object({
    id: z.string(),
    occurredAt: z.string(),
    partnershipId: z.string().nullable(),
    actorUserId: z.string().nullable(),
    actorRole: z.string().nullable(),
    actorAgency: z.string().nullable(),
    category: z.enum(AUDIT_CATEGORIES),
    action: z.string(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    query: z.unknown().nullable(),
    outcome: z.string(),
    address: z.string().nullable(),
    requestId: z.string().nullable(),
    keyId: z.string().nullable().meta({ description: 'The HMAC key id; null: legacy sha256' }),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const AuditPageSchema = z
  .object({ events: z.array(AuditEventSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditPage' });

export const AuditVerificationSchema = z
  .union([
    z.object({
      ok: z.literal(true),
      events: z.number().int(),
      checkpoint: z.object({ sequence: z.string(), at: z.string() }).nullable(),
    }),
    z.object({
      ok: z.literal(false),
      brokenAt: z.string().meta({ description: 'The first missing or broken sequence' }),
      problem: z.enum(['rewritten', 'missing', 'truncated', 'unknown-key']),
      detail: z.string(),
      events: z.number().int(),
    }),
  ])
  .meta({ id: 'AuditVerification' });

export type AuditEvent = z.infer<typeof AuditEventSchema>;
export type AuditPage = z.infer<typeof AuditPageSchema>;
export type AuditVerification = z.infer<typeof AuditVerificationSchema>;
export type AuditFilter = z.input<typeof AuditFilterSchema>;
