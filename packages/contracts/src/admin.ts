import { z } from 'zod';
import { UserIdentityShape } from './auth.ts';
import { AgencyKindSchema, RoleSchema } from './domain.ts';

// The wire format of the administration screens: users, agencies, settings, taxonomies and the
// police.uk crime-type mapping.

const atLeastOne = (v: Record<string, unknown>) => Object.values(v).some((x) => x !== undefined);
const AT_LEAST_ONE = 'Give at least one field to change.';

export const AdminUserSchema = z
  .object({
    ...UserIdentityShape,
    disabled: z.boolean(),
    /** False until the user redeems their enrolment link and chooses a password. */
    passwordSet: z.boolean(),
    /** A request for the analyst role waits for a second person's approval. */
    awaitingApproval: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'AdminUser' });

export const EnrolmentLinkSchema = z
  .object({
    /** The page the user opens to choose their password; shown once, never stored. */
    link: z.string(),
    /** The one-time code inside the link, for reading out when the link cannot be sent. */
    code: z.string(),
    expiresAt: z.string(),
    /** True when it was also emailed to the user (SMTP configured). */
    emailed: z.boolean(),
  })
  .meta({ id: 'EnrolmentLink' });

export const AdminUserWithEnrolmentSchema = AdminUserSchema.extend({
  enrolment: EnrolmentLinkSchema,
}).meta({ id: 'AdminUserWithEnrolment' });

export const NewUserSchema = z
  .strictObject({
    email: z.email().max(320),
    name: z.string().trim().min(1).max(200),
    role: RoleSchema,
    agencyCode: z.string().min(1).max(16),
  })
  .meta({ id: 'NewUser' });

export const UserChangeSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    agencyCode: z.string().min(1).max(16).optional(),
    disabled: z.boolean().optional(),
  })
  .refine(
    (v) => Object.values(v).some((x) => x !== undefined),
    'Give at least one field to change.',
  )
  .meta({ id: 'UserChange' });

export const AgencySchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    kind: AgencyKindSchema,
    email: z.string().nullable(),
  })
  .meta({ id: 'Agency' });

export const NewAgencySchema = z
  .strictObject({
    code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/, 'capitals, digits and hyphens, up to 16'),
    name: z.string().trim().min(1).max(200),
    kind: AgencyKindSchema,
    email: z.email().max(320).nullable().optional(),
  })
  .meta({ id: 'NewAgency' });

export const AgencyChangeSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    kind: AgencyKindSchema.optional(),
    email: z.email().max(320).nullable().optional(),
  })
  .refine(atLeastOne, AT_LEAST_ONE)
  .meta({ id: 'AgencyChange' });

export const PartnershipSettingsSchema = z
  .object({
    suppressionK: z.number().int(),
    retentionMonths: z.number().int(),
    mfaRequired: z.boolean(),
    publishedHexSizes: z.array(z.number().int()),
  })
  .meta({ id: 'PartnershipSettings' });

export const PartnershipSettingsChangeSchema = z
  .strictObject({
    // DESIGN.md section 5: the disclosure threshold is never below 2.
    suppressionK: z.number().int().min(2).max(100).optional(),
    retentionMonths: z.number().int().min(1).max(120).optional(),
    mfaRequired: z.boolean().optional(),
    // The published hexagon lattices (sizeMeters): never finer than 100 m (DESIGN.md section 5);
    // a change rebuilds the published table.
    publishedHexSizes: z
      .array(z.number().int().min(100).max(20_000))
      .min(1)
      .max(6)
      .refine((sizes) => new Set(sizes).size === sizes.length, 'each size once')
      .optional(),
  })
  .refine(atLeastOne, AT_LEAST_ONE)
  .meta({ id: 'PartnershipSettingsChange' });

export const TaxonomyItemSchema = z
  .object({
    code: z.string(),
    label: z.string(),
    description: z.string().nullable(),
    retired: z.boolean(),
  })
  .meta({ id: 'TaxonomyItem' });

export const NewTaxonomyItemSchema = z
  .strictObject({
    code: z
      .string()
      .max(60)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by hyphens'),
    label: z.string().trim().min(1).max(200),
    description: z.string().max(1000).nullable().optional(),
  })
  .meta({ id: 'NewTaxonomyItem' });

export const TaxonomyChangeSchema = z
  .strictObject({
    label: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(1000).nullable().optional(),
    /** Retired items stay on existing records but cannot be chosen for new ones. */
    retired: z.boolean().optional(),
  })
  .refine(atLeastOne, AT_LEAST_ONE)
  .meta({ id: 'TaxonomyChange' });

export const TaxonomyCodeParamSchema = z.object({
  code: z
    .string()
    .max(60)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
});

export const PoliceUkMappingSchema = z
  .object({
    mappings: z
      .array(
        z.strictObject({
          crimeType: z.string().trim().min(1).max(100),
          categoryCode: z.string().min(1).max(60),
        }),
      )
      .max(100)
      .refine(
        (m) => new Set(m.map((x) => x.crimeType)).size === m.length,
        'Each crime type may appear once.',
      ),
  })
  .strict()
  .meta({ id: 'PoliceUkMapping' });

export const AdminUserListSchema = z.object({ users: z.array(AdminUserSchema) });
export const AgencyListSchema = z.object({ agencies: z.array(AgencySchema) });
export const TaxonomyItemListSchema = z.object({ items: z.array(TaxonomyItemSchema) });

export type AdminUser = z.infer<typeof AdminUserSchema>;
export type EnrolmentLink = z.infer<typeof EnrolmentLinkSchema>;
export type AdminUserWithEnrolment = z.infer<typeof AdminUserWithEnrolmentSchema>;
export type NewUser = z.input<typeof NewUserSchema>;
export type UserChange = z.input<typeof UserChangeSchema>;
export type Agency = z.infer<typeof AgencySchema>;
export type NewAgency = z.input<typeof NewAgencySchema>;
export type AgencyChange = z.input<typeof AgencyChangeSchema>;
export type PartnershipSettings = z.infer<typeof PartnershipSettingsSchema>;
export type PartnershipSettingsChange = z.input<typeof PartnershipSettingsChangeSchema>;
export type TaxonomyItem = z.infer<typeof TaxonomyItemSchema>;
export type NewTaxonomyItem = z.input<typeof NewTaxonomyItemSchema>;
export type TaxonomyChange = z.input<typeof TaxonomyChangeSchema>;
export type PoliceUkMapping = z.infer<typeof PoliceUkMappingSchema>;
