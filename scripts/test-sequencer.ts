import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Measured seconds per test file (`project:path`), refreshed by `npm run test:durations`. */
export const DURATIONS_PATH = join(import.meta.dirname, 'test-durations.json');

export function readDurations(path = DURATIONS_PATH): Record<string, number> {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>) : {};
}

/**
 * Longest file first, from durations measured on a whole run and kept in the repository, so a
 * clean clone packs its workers as well as a machine with vitest's own cache: without them
 * vitest starts the largest files first, and a run on a clean clone ended with a 50 s browser
 * file starting after 296 s (363 s in all; 315 s when the same files ran longest first). A
 * file with no measured duration (a new one) falls back to vitest's cache, else runs last.
 * `sequence.groupOrder` still comes first: the `alone` project runs after everything else.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const measured = readDurations();
    const seconds = (spec: TestSpecification) => {
      const key = `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
      const cached = this.ctx.cache.getFileTestResults(key)?.duration;
      return measured[key] ?? (cached === undefined ? 0 : cached / 1000);
    };
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        seconds(b) - seconds(a),
    );
  }
}
