// The views feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/views/ imports its other files (see .dependency-cruiser.cjs).
export { viewRoutes } from './views.routes.ts';
