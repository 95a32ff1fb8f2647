import { z } from '@hono/zod-openapi';

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
    doc: 'Gi* distance band, metres; default from the k nearest neighbours',
  },
  epsMeters: {
    min: 1,
    max: 5000,
    builtIn: 100,
    integer: false,
    doc: 'DBSCAN neighbourhood radius, metres (inclusive)',
  },
  minPoints: {
    min: 2,
    max: 1000,
    builtIn: 5,
    integer: true,
    doc: 'DBSCAN minimum reports in a neighbourhood, the report itself included',
  },
  bandwidthMeters: {
    min: 10,
    max: 20_000,
    builtIn: null,
    integer: false,
    doc: 'Kernel density search radius, metres; default from the spread of the reports',
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

/** An optional numeric query parameter with its range. */
export function numberParam(name: ParameterName) {
  const spec = PARAMETERS[name];
  let schema = z.coerce.number().min(spec.min).max(spec.max);
  if (spec.integer) schema = schema.int();
  return schema.optional().openapi({
    description: `${spec.doc}; ${spec.min}-${spec.max}${spec.builtIn === null ? '' : `, default ${spec.builtIn}`}`,
  });
}

/** given ?? valid partnership default ?? built-in (null when the method computes its own). */
export function resolveParam(
  name: ParameterName,
  given: number | undefined,
  partnershipDefaults: Readonly<Record<string, unknown>>,
): number | null {
  if (given !== undefined) return given;
  const spec = PARAMETERS[name];
  const override = partnershipDefaults[name];
  if (
    typeof override === 'number' &&
    Number.isFinite(override) &&
    override >= spec.min &&
    override <= spec.max &&
    (!spec.integer || Number.isInteger(override))
  ) {
    return override;
  }
  return spec.builtIn;
}

/** Smallest hexagon a non-analyst may ask for: smaller cells would locate a few reports closely. */
export const MIN_PUBLIC_HEX_METERS = 100;
/** Grid for generalising hotspot and cluster outlines shown to non-analysts. */
export const GENERALISE_HEX_METERS = 100;
