// Every workspace declares what its code imports: production code from its own `dependencies`,
// test, bench and testing-support code from its own `devDependencies` or the root's. A package
// that works only because a neighbour happens to install something breaks when moved or pruned.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const BUILTINS = new Set(builtinModules);
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'fixtures') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Test, bench and testing-support code may use development dependencies. */
function isDevelopmentCode(path: string): boolean {
  return (
    /\.(test|bench|e2e\.test|shots)\.tsx?$/.test(path) ||
    /\/(testing|robustness)\//.test(path) ||
    /test-support\.ts$|load-generator\.ts$|bench-database\.ts$|benchmarks\.ts$|bench-utils\.ts$/.test(
      path,
    ) ||
    /\/(vite|vitest\.[\w.]+)\.config\.ts$|\/vitest\.[\w.]*config\.ts$/.test(path)
  );
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function workspaces(): string[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(ROOT, group)).map((name) => join(ROOT, group, name)),
  );
}

describe('every workspace declares what it imports', () => {
  it.each(workspaces().map((dir) => [relative(ROOT, dir), dir]))('%s', (_name, dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    const production = new Set(Object.keys(manifest.dependencies ?? {}));
    const development = new Set([
      ...production,
      ...Object.keys(manifest.devDependencies ?? {}),
      ...Object.keys(root.devDependencies ?? {}),
    ]);
    const missing: string[] = [];
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(SPECIFIER)) {
        const specifier = match[2] ?? match[3]!;
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        if (BUILTINS.has(specifier) || specifier.startsWith('virtual:')) continue;
        const name = packageOf(specifier);
        if (name === manifest.name) continue;
        const typeOnly = Boolean(match[1]);
        const allowed = isDevelopmentCode(file) || typeOnly ? development : production;
        const typesName = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
        if (allowed.has(name) || (typeOnly && allowed.has(typesName))) continue;
        missing.push(`${relative(ROOT, file)}: ${specifier}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the check sees an undeclared import', () => {
    const found = [
      ..."import { x } from 'left-pad';\nimport type { Y } from 'geojson';".matchAll(SPECIFIER),
    ];
    expect(found.map((m) => [m[2], Boolean(m[1])])).toEqual([
      ['left-pad', false],
      ['geojson', true],
    ]);
  });
});
