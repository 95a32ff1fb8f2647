// The disclosure feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/disclosure/ imports its other files (see .dependency-cruiser.cjs).

export type {
  AggregateFeature,
  AggregateLayer,
  DisclosedCount,
  DisclosureContext,
  LabelValue,
  LayerCollection,
  VertexGuard,
} from './disclosure.ts';
export {
  generaliseToHexUnion,
  hexCellsTouching,
  hexPolygon,
  hexUnion,
  loadVertexGuard,
  publishedContext,
  receivesRecordLevel,
  renderLayer,
  toWgs84,
  toWgs84Position,
} from './disclosure.ts';
export type { MonthRange, PerturbationTable } from './published.ts';
export {
  AREA_LATTICE,
  effectiveK,
  ensurePublished,
  hexLattice,
  parsePerturbationTable,
  publicationSettings,
  publishedDataVersion,
  publishedValue,
  publishLeftovers,
  publishSoon,
  trueBreakdown,
  trueCellMonths,
  trueCells,
  unionOf,
} from './published.ts';
export type { PublishedRequest } from './published-request.ts';
export {
  daysOf,
  monthsEnding,
  monthsOf,
  publishedSize,
  refused,
  resolvePublishedRequest,
} from './published-request.ts';
