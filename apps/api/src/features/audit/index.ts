// The audit feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/audit/ imports its other files (see .dependency-cruiser.cjs).

export { auditRoutes } from './audit.routes.ts';
export type { AuditActor } from './audit.ts';
export { audit, canonicalJson, clientAddress, requestAddress, verifyAuditChain } from './audit.ts';
export type { AuditKeyring } from './audit-keys.ts';
export { AuditKeyError, keyringProblem, loadAuditKeyring, parseKeyring } from './audit-keys.ts';
export { checkpointDir, writeCheckpoint } from './checkpoint.ts';
export { csvLine } from './csv.ts';
export { auditSafetyNet } from './route-audit.ts';
