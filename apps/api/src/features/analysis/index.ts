// The analysis feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/analysis/ imports its other files (see .dependency-cruiser.cjs).
export { clusterRecords } from './analysis.queries.ts';
export { analysisRoutes } from './analysis.routes.ts';
export { CLUSTER_POINT_BUFFER_METERS } from './cluster-outline.ts';
export {
  areaShape,
  areaSquareMeters,
  COST_CEILINGS,
  extentMeters,
  neighbourhoodCost,
  refuseOverCeiling,
} from './cost.ts';
export { forecastRoutes } from './forecast.routes.ts';
export type { LayerInput } from './layer-builders.ts';
export {
  buildDensityLayer,
  buildHexagonLayer,
  buildHotspotLayer,
  buildPointLayer,
  publishedHotspotFigures,
  resolveDensityParams,
  resolveHexagonParams,
} from './layer-builders.ts';
export {
  disclosureContext,
  loadLayerState,
  readCategory,
  renderLayerInSlices,
  serveCached,
  studyAreaBng,
  withAnalysisErrors,
} from './layer-response.ts';
export { numberParam } from './parameters.ts';
export { publishedEmerging } from './published-emerging.ts';
export {
  publishedCells,
  publishedCountLayer,
  publishedDensityLayer,
  publishedGistarLayer,
} from './published-layers.ts';
export type { RecordFilters } from './record-query.ts';
export { countRecords, RecordFilterShape, resolveFilters, selectRecords } from './record-query.ts';
