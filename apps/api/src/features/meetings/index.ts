// The meetings feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/meetings/ imports its other files (see .dependency-cruiser.cjs).
export { emergingCellsOutsideHotspots } from './agenda-generation.ts';
export { meetingRoutes } from './meetings.routes.ts';
