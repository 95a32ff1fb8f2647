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
    else if (/\.(ts|tsx|mts|js|mjs|cjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
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

/** The root's own code (scripts/, the Vitest config): development code, root manifest only. */
function rootFiles(): string[] {
  return readdirSync(ROOT).flatMap((entry) => {
    if (['apps', 'packages', 'node_modules', 'docs', 'infra', 'patches'].includes(entry)) return [];
    if (entry.startsWith('.')) return [];
    const path = join(ROOT, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs|cjs)$/.test(entry) ? [path] : [];
  });
}

interface ImportUse {
  readonly file: string;
  readonly specifier: string;
  readonly name: string;
  readonly typeOnly: boolean;
  readonly development: boolean;
}

function importsOf(files: readonly string[], self: string): ImportUse[] {
  const uses: ImportUse[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[2] ?? match[3]!;
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      if (BUILTINS.has(specifier) || specifier.startsWith('virtual:')) continue;
      const name = packageOf(specifier);
      if (name === self) continue;
      uses.push({
        file: relative(ROOT, file),
        specifier,
        name,
        typeOnly: Boolean(match[1]),
        development: isDevelopmentCode(file),
      });
    }
  }
  return uses;
}

const typesNameOf = (name: string) => `@types/${name.replace(/^@/, '').replace('/', '__')}`;

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
    const uses = importsOf(sourceFiles(dir), manifest.name);
    for (const use of uses) {
      const allowed = use.development || use.typeOnly ? development : production;
      if (allowed.has(use.name) || (use.typeOnly && allowed.has(typesNameOf(use.name)))) continue;
      missing.push(`${use.file}: ${use.specifier}`);
    }
    expect(missing).toEqual([]);
    // The other way round: a runtime dependency that only tests (or nothing) use belongs in
    // devDependencies, or nowhere, so an install for production stays small.
    const usedInProduction = new Set(
      uses.filter((u) => !u.development).flatMap((u) => [u.name, typesNameOf(u.name)]),
    );
    const misplaced = [...production].filter((name) => !usedInProduction.has(name));
    expect(misplaced).toEqual([]);
  });

  it('the root (scripts, configs) imports only its own devDependencies', () => {
    const declared = new Set([
      ...Object.keys(root.dependencies ?? {}),
      ...Object.keys(root.devDependencies ?? {}),
    ]);
    const workspaceNames = new Set(
      workspaces().map(
        (dir) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest).name,
      ),
    );
    const missing = importsOf(rootFiles(), root.name)
      .filter((u) => !declared.has(u.name) && !workspaceNames.has(u.name))
      .filter((u) => !(u.typeOnly && declared.has(typesNameOf(u.name))))
      .map((u) => `${u.file}: ${u.specifier}`);
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
