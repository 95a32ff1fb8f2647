// The health feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/health/ imports its other files (see .dependency-cruiser.cjs).
export { healthRoutes } from './health.routes.ts';
