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
