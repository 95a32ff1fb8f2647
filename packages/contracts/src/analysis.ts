import { z } from 'zod';

/**
 * Method parameters: their ranges (validated at the edge, 422 naming the parameter) and built-in
 * defaults. A partnership may override a default in `partnership.analysis_defaults` under the same
 * name; an override outside the range is ignored rather than trusted.
 */
export const PARAMETERS = {
  sizeMeters: {
    min: 25,
    max: 5000,
    builtIn: 250,
    integer: false,
    doc: 'Hexagon size (centre to corner), metres',
  },
  distanceMeters: {
    min: 1,
    max: 50_000,
    builtIn: null,
    integer: false,
    doc: 'Gi* distance band, metres; default the first ring of neighbouring hexagons (1.01 × √3 × sizeMeters: 438 m at 250 m), which caught more of the next month’s reports than the k-nearest-neighbour band on both police.uk and CSE-density data',
  },
  epsMeters: {
    min: 1,
    max: 5000,
    builtIn: 150,
    integer: false,
    doc: 'DBSCAN neighbourhood radius, metres (inclusive); default 150, whose clusters held more of the next month’s reports than 100 m on both police.uk and CSE-density data while covering under 5 % of the area',
  },
  minPoints: {
    min: 2,
    max: 1000,
    builtIn: 5,
    integer: true,
    doc: 'DBSCAN minimum reports in a neighbourhood, the report itself included; default 5 (fewer gave many more, smaller clusters for little gain)',
  },
  bandwidthMeters: {
    min: 10,
    max: 20_000,
    builtIn: 400,
    integer: false,
    doc: 'Kernel density search radius, metres; default 400, which caught more of the next month’s reports than the spread-based rule (1.8 km on police.uk) on both police.uk and CSE-density data',
  },
  cellSizeMeters: {
    min: 5,
    max: 2000,
    builtIn: null,
    integer: false,
    doc: 'Kernel density grid cell, metres; default from the extent',
  },
  radiusMeters: {
    min: 1,
    max: 2000,
    builtIn: 50,
    integer: false,
    doc: 'Repeat-location radius, metres',
  },
  minReports: {
    min: 2,
    max: 1000,
    builtIn: 3,
    integer: true,
    doc: 'Reports needed for a repeat location',
  },
} as const;

export type ParameterName = keyof typeof PARAMETERS;

/**
 * An answer whose shape depends on the caller (exact figures for analysts, disclosed ones for
 * others: the area summary, the forecast backtest); declared open, each reader narrows it.
 */
export const OpenObjectSchema = z.object({}).passthrough();

/**
 * The forecast methods, as the API names them (packages/analysis holds their code and imports no
 * workspace package, so the API checks at compile time that its list is this one).
 */
export const FORECAST_METHOD_NAMES = ['naive', 'recency', 'prospective', 'blended'] as const;
export type ForecastMethodName = (typeof FORECAST_METHOD_NAMES)[number];

/** One flagged square (analysts) or published hexagon (everyone else) of a forecast. */
export const ForecastCellSchema = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  properties: z.object({ rank: z.number().int(), score: z.number(), cell: z.string() }),
  geometry: z.object({
    type: z.literal('Polygon'),
    coordinates: z.array(z.array(z.array(z.number()))),
  }),
});

/**
 * Next month's forecast as GeoJSON with the method and how it was chosen; the parameters echoed
 * and the disclosure block (published forecasts) are open: each kind of forecast adds its own.
 */
export const ForecastSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    method: z.enum(FORECAST_METHOD_NAMES),
    methodChosenBy: z.string(),
    explanation: z.string(),
    methodExplanation: z.string(),
    parameters: z
      .object({
        forecastMonth: z.string(),
        coverage: z.number(),
        /** Blended forecasts: the weight used, tuned on the training months. */
        blendWeight: z.number().optional(),
      })
      .passthrough(),
    areaFraction: z.number(),
    cellsFlagged: z.number().int(),
    cellsInArea: z.number().int(),
    features: z.array(ForecastCellSchema),
  })
  .passthrough()
  .meta({ id: 'Forecast' });

const ForecastFiguresSchema = z.object({
  hitRate: z.number(),
  pai: z.number().nullable(),
  pei: z.number().nullable(),
  areaFraction: z.number(),
  hits: z.number().int(),
  reports: z.number().int(),
});

export const BacktestRowSchema = ForecastFiguresSchema.extend({
  method: z.enum(FORECAST_METHOD_NAMES),
  testMonth: z.string(),
  trainFrom: z.string(),
  trainTo: z.string(),
  coverage: z.number(),
  /** Blended rows: the weight used, tuned on the earlier test months. */
  blendWeight: z.number().optional(),
  naive: ForecastFiguresSchema,
});

/** The rolling backtest (analysts); the parameters echoed and the totals are open. */
export const BacktestSchema = z
  .object({
    method: z.literal('backtest'),
    explanation: z.string(),
    methodExplanations: z.record(z.enum(FORECAST_METHOD_NAMES), z.string()),
    bestMethod: z.enum(FORECAST_METHOD_NAMES),
    partnershipMethod: z.enum(FORECAST_METHOD_NAMES).nullable(),
    summary: z.string(),
    cellsInArea: z.number().int(),
    rows: z.array(BacktestRowSchema),
  })
  .passthrough()
  .meta({ id: 'Backtest' });

/** The body and the answer of setting the partnership's default forecast method. */
export const DefaultForecastMethodSchema = z.strictObject({
  method: z.enum(FORECAST_METHOD_NAMES),
});

export type ForecastCell = z.infer<typeof ForecastCellSchema>;
export type Forecast = z.infer<typeof ForecastSchema>;
export type BacktestRow = z.infer<typeof BacktestRowSchema>;
export type Backtest = z.infer<typeof BacktestSchema>;
