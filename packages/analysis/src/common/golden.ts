// Test-only helper: golden fixtures are visible files; REGENERATE_FIXTURES=1 rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Returns the stored golden value, writing `actual` first if absent or regeneration is asked for. */
export function golden<T>(path: string, actual: T): T {
  if (process.env.REGENERATE_FIXTURES === '1' || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
  }
  return readJson<T>(path);
}

/** Rounds every number in a JSON-able value so goldens are stable across platforms. */
export function roundDeep<T>(value: T, digits = 9): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(digits)) : v,
    ),
  ) as T;
}
