// The layers feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/layers/ imports its other files (see .dependency-cruiser.cjs).
export { layerRoutes } from './layers.routes.ts';
