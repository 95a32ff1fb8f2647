// The admin feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/admin/ imports its other files (see .dependency-cruiser.cjs).
export { adminRoutes } from './admin.routes.ts';
