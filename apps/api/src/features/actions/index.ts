// The actions feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/actions/ imports its other files (see .dependency-cruiser.cjs).
export { actionRoutes } from './actions.routes.ts';
export { suggestedActionRoutes } from './suggested-actions.routes.ts';
