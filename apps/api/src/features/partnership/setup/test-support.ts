// Helpers for the partnership and setup tests. Not used by production code.
import { ProblemError } from '../../../http/problem.ts';

/** A closed square ring of side `d` degrees from (x, y), as GeoJSON Polygon coordinates. */
export const square = (x: number, y: number, d = 0.01) => [
  [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ],
];

/** The detail of the ProblemError `run` throws (or rejects with); fails when it succeeds. */
export async function problemOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ProblemError) return error.detail ?? '';
    throw error;
  }
  throw new Error('expected a problem, but it was accepted');
}
