import { z } from 'zod';
import { RoleSchema } from './domain.ts';
import { AgencyRefSchema } from './wire.ts';

// The wire format of signing in, the second factor and the signed-in user.

export const LoginRequestSchema = z
  .strictObject({
    email: z.string().min(1).max(320),
    password: z.string().min(1).max(1024),
  })
  .meta({ id: 'LoginRequest' });

export const LoginResultSchema = z
  .object({
    mfaRequired: z.boolean(),
    /** True when a second factor is required but not set up yet: the session may only enrol. */
    enrolmentRequired: z.boolean(),
  })
  .meta({ id: 'LoginResult' });

export const SecondFactorCodeSchema = z
  .strictObject({ code: z.string().min(1).max(64) })
  .meta({ id: 'SecondFactorCode' });

/** Who a user is, as the user and the administrators see them. */
export const UserIdentityShape = {
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  agency: AgencyRefSchema,
  mfaEnrolled: z.boolean(),
};

export const MeSchema = z
  .object({
    ...UserIdentityShape,
    partnership: z.object({
      id: z.string(),
      name: z.string(),
      synthetic: z.boolean(),
      mfaRequired: z.boolean(),
    }),
  })
  .meta({ id: 'Me' });

export const MfaEnrolmentSchema = z
  .object({
    secret: z.string(),
    otpauthUri: z.string(),
    /** data:image/svg+xml;base64 QR code of otpauthUri, rendered by the API. */
    qrCode: z.string(),
    /** Shown once; each works once in place of a code. */
    recoveryCodes: z.array(z.string()),
  })
  .meta({ id: 'MfaEnrolment' });

export const PasswordChangeSchema = z
  .strictObject({
    currentPassword: z.string().min(1).max(1024),
    newPassword: z.string().min(1).max(1024),
  })
  .meta({ id: 'PasswordChange' });

export type LoginRequest = z.infer<typeof LoginRequestSchema>;
export type LoginResult = z.infer<typeof LoginResultSchema>;
export type Me = z.infer<typeof MeSchema>;
export type MfaEnrolment = z.infer<typeof MfaEnrolmentSchema>;
