// The auth feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/auth/ imports its other files (see .dependency-cruiser.cjs).
export { replaceRecoveryCodes } from './auth.commands.ts';
export { authRoutes } from './auth.routes.ts';
export {
  acceptTotp,
  newRecoveryCodes,
  newTotpSecret,
  qrCodeDataUrl,
  totpCodeAt,
  totpFor,
} from './mfa.ts';
export type { PasswordHashOptions } from './passwords.ts';
export { checkPasswordStrength, hashPassword } from './passwords.ts';
export { sessionAccess } from './session-access.ts';
export { endUserSessions, sha256Hex } from './sessions.ts';
