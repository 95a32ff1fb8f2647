// The hotspots feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/hotspots/ imports its other files (see .dependency-cruiser.cjs).

export type { ActionFilters, ActionRow } from './hotspot-actions.ts';
export { OPEN_ACTION_STATUSES, selectActions, toActionSummary } from './hotspot-actions.ts';
export { acceptsActions, recordHotspotStatusChange } from './hotspot-lifecycle.ts';
export { notFound, refuseAsNotFound } from './hotspots.queries.ts';
export { hotspotRoutes } from './hotspots.routes.ts';
