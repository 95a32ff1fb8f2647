import { z } from 'zod';
import { RoleSchema } from './domain.ts';
import { PersonRefSchema } from './wire.ts';

// The wire format of account approvals (the second person for the analyst role) and of
// enrolment (a new user choosing a password and second factor).

export const ApprovalSchema = z
  .object({
    id: z.string(),
    user: z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      currentRole: RoleSchema,
      disabled: z.boolean(),
      agency: z.object({ code: z.string(), name: z.string() }),
    }),
    role: z.literal('analyst'),
    reason: z.enum(['create', 'role-change', 're-enable', 'credential-reset']),
    /** Null when the request came from the command-line tool. */
    requestedBy: PersonRefSchema.nullable(),
    requestedAt: z.string(),
    /** False for the requester (who may still refuse, i.e. withdraw, it). */
    mayApprove: z.boolean(),
  })
  .meta({ id: 'Approval' });

export const ApprovalDecisionSchema = z
  .object({ id: z.string(), outcome: z.enum(['approved', 'refused']) })
  .meta({ id: 'ApprovalDecision' });

export const EnrolmentTokenSchema = z.string().min(1).max(200);

export const EnrolmentStartSchema = z
  .strictObject({ token: EnrolmentTokenSchema })
  .meta({ id: 'EnrolmentStart' });

export const EnrolmentFormSchema = z
  .object({
    email: z.string(),
    name: z.string(),
    /** The authenticator app to set up now, when the partnership requires a second factor. */
    secondFactor: z
      .object({
        secret: z.string(),
        otpauthUri: z.string(),
        /** data:image/svg+xml;base64 QR code of otpauthUri, rendered by the API. */
        qrCode: z.string(),
      })
      .nullable(),
    /** The account gets the analyst role only once a second person approves. */
    awaitingApproval: z.boolean(),
  })
  .meta({ id: 'EnrolmentForm' });

export const EnrolmentCompleteSchema = z
  .strictObject({
    token: EnrolmentTokenSchema,
    password: z.string().min(1).max(1024),
    /** The 6-digit code the authenticator app shows, when a second factor is being set up. */
    code: z.string().max(64).optional(),
  })
  .meta({ id: 'EnrolmentComplete' });

export const EnrolmentDoneSchema = z
  .object({
    email: z.string(),
    /** Shown once; each works once in place of a code. Empty without a new second factor. */
    recoveryCodes: z.array(z.string()),
    awaitingApproval: z.boolean(),
  })
  .meta({ id: 'EnrolmentDone' });

export const ApprovalListSchema = z.object({
  mayDecide: z.boolean(),
  approvals: z.array(ApprovalSchema),
});

export type Approval = z.infer<typeof ApprovalSchema>;
export type ApprovalList = z.infer<typeof ApprovalListSchema>;
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;
export type EnrolmentForm = z.infer<typeof EnrolmentFormSchema>;
export type EnrolmentDone = z.infer<typeof EnrolmentDoneSchema>;
