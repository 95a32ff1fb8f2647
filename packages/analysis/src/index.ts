/**
 * @hotspot/analysis: pure, deterministic hotspot statistics on projected points.
 *
 * Conventions for every function here:
 * - Coordinates are British National Grid metres (EPSG:27700): `{ x, y }`. The caller projects
 *   (PostGIS `ST_Transform(geom, 27700)`) and reprojects any GeoJSON output, whose coordinates are
 *   also EPSG:27700 metres (tagged with the legacy `crs` member so QGIS opens it in place).
 * - Times (`t`) are epoch milliseconds or ISO 8601 strings, interpreted in UTC.
 * - No I/O, no clock, no randomness. Bad or insufficient input throws `AnalysisInputError` with a
 *   `code` and a message written for an analyst.
 * - Each operation exports a one-sentence `*_EXPLANATION` for the tasking meeting.
 */
export type { BenchOptions, BenchResult, BenchRun } from './bench-types.ts';
export { BNG_CRS, type BngFeatureCollection } from './common/geojson.ts';
export type { PointXY, RecordPoint, TimedPoint } from './common/types.ts';
export {
  type ClusteringComparison,
  compareClusterings,
  DBSCAN_EXPLANATION,
  type DbscanCluster,
  type DbscanOptions,
  type DbscanResult,
  dbscan,
  dbscanGraph,
  dbscanToGeoJson,
  type NeighbourQuery,
} from './dbscan/dbscan.ts';
export {
  classifyEmergingPattern,
  EMERGING_HOTSPOTS_EXPLANATION,
  EMERGING_PATTERN_DEFINITIONS,
  type EmergingCell,
  type EmergingHotspotOptions,
  type EmergingHotspotResult,
  type EmergingPattern,
  type EmergingPoint,
  emergingHotspots,
  emergingHotspotsToGeoJson,
  MIN_TIME_SLICES,
  sliceOrdinal,
  type TimeSlice,
  type TimeSliceUnit,
} from './emerging-hotspots/emerging-hotspots.ts';
export { type MannKendallResult, mannKendall } from './emerging-hotspots/mann-kendall.ts';
export { AnalysisInputError, type AnalysisInputErrorCode } from './errors.ts';
export {
  type BeforeAfter,
  type Computable,
  type DisplacementAreas,
  displacementAnalysis,
  hitRateAtCoverage,
  PAI_EXPLANATION,
  type PaiInputRow,
  type PaiRow,
  paiTable,
  predictiveAccuracyIndex,
  slidingBlockSums,
  WDQ_EXPLANATION,
  type WdqInterpretation,
  type WdqResult,
  weightedDisplacementQuotient,
} from './evaluation/evaluation.ts';
export { type AnalysisMethod, EXPLANATIONS } from './explanations.ts';
export {
  type BacktestOptions,
  type BacktestRow,
  BLEND_WEIGHTS,
  backtest,
  backtestSummary,
  backtestTotals,
  bestMethod,
  blendScores,
  chooseForecast,
  DEFAULT_FORECAST_PARAMS,
  FORECAST_EXPLANATION,
  FORECAST_METHOD_EXPLANATIONS,
  FORECAST_METHODS,
  FORECAST_SIZES,
  type ForecastChoice,
  type ForecastMethod,
  type ForecastParams,
  type ForecastScore,
  type MethodTotals,
  monthOfOrdinal,
  monthOrdinal,
  monthRange,
  observedInMonth,
  type PreparedRecords,
  prepareColumns,
  prepareRecords,
  rankCells,
  rankedPositions,
  scoreCells,
  scoreFlagged,
  topPositions,
  topSet,
  topSets,
} from './forecast/forecast.ts';
export {
  latticeCellId,
  latticeCellRing,
  latticeCellsToGeoJson,
  latticeSize,
  latticeSlotAt,
  MAX_LATTICE_BOX_CELLS,
  type SquareLattice,
  squareLattice,
} from './forecast/lattice.ts';
export {
  benjaminiHochbergThreshold,
  type ConfidenceBin,
  confidenceBins,
  GETIS_ORD_EXPLANATION,
  type GetisOrdLocalOptions,
  type GetisOrdLocalResult,
  getisOrdLocal,
} from './getis-ord/getis-ord.ts';
export {
  BIN_COLOURS,
  defaultDistanceBand,
  distanceBandNeighbours,
  GISTAR_EXPLANATION,
  type HexHotspotCell,
  type HexHotspotOptions,
  type HexHotspotResult,
  hexHotspots,
  hexHotspotsToGeoJson,
  hotspotsOnCells,
  MIN_CELLS_WITH_DATA,
} from './gistar/gistar.ts';
export {
  aggregateToHexes,
  HEX_GRID_EXPLANATION,
  type HexAggregationOptions,
  type HexCellRef,
  type HexCount,
  hexAreaSquareMeters,
  hexCell,
  hexCellId,
  hexCentre,
  hexesCoveringArea,
  hexesToGeoJson,
  hexIndexAt,
  hexRing,
  type StudyArea,
} from './hex-grid/hex-grid.ts';
export {
  type DensityBandProperties,
  type DensitySurface,
  defaultBandwidth,
  densityAt,
  KERNEL_DENSITY_EXPLANATION,
  type KernelDensityOptions,
  type KernelDensityResult,
  kernelDensity,
  MAX_DENSITY_CELLS,
  surfaceValueAt,
} from './kernel-density/kernel-density.ts';
export {
  REPEAT_LOCATIONS_EXPLANATION,
  type RecordSummary,
  type RepeatLocation,
  type RepeatLocationOptions,
  type RepeatLocationResult,
  repeatLocations,
  summariseClusters,
  summariseRecords,
  type ValueCount,
} from './repeat-locations/repeat-locations.ts';
