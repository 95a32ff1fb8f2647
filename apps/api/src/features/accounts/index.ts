// The accounts feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/accounts/ imports its other files (see .dependency-cruiser.cjs).
export { approvalRoutes } from './approvals.routes.ts';
export { createUser } from './create-user.ts';
export { enrolmentRoutes } from './enrolment.routes.ts';
export type { Enrolment } from './enrolment.ts';
export { emailEnrolment, enrolmentTokenHash, inviteUser, issueEnrolment } from './enrolment.ts';
export type { GrantReason } from './role-grants.ts';
export { refuseIfPending, requestAnalystGrant } from './role-grants.ts';
