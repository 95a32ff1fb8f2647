/** Machine-readable reasons an analysis refuses its input. The API maps these to problem+json. */
export type AnalysisInputErrorCode =
  | 'INVALID_PARAMETER'
  | 'TOO_FEW_CELLS'
  | 'TOO_FEW_POINTS'
  | 'TOO_FEW_TIME_SLICES'
  | 'NO_VARIATION'
  | 'TOO_LARGE';

/**
 * Thrown when the input cannot support the requested analysis (too little data, a parameter out of
 * range). The message is written for an analyst, e.g. "Gi* needs at least 30 cells holding data;
 * only 12 do. Widen the period, the area or the filters."
 */
export class AnalysisInputError extends Error {
  readonly code: AnalysisInputErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: AnalysisInputErrorCode,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'AnalysisInputError';
    this.code = code;
    this.details = details;
  }
}

/** Throws INVALID_PARAMETER unless `value` is a finite number in [min, max]. */
export function requireNumberInRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new AnalysisInputError(
      'INVALID_PARAMETER',
      `${name} must be a number between ${min} and ${max}; got ${String(value)}.`,
      { parameter: name, value, min, max },
    );
  }
}
