import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { list } from 'tar';
import { describe, expect, it } from 'vitest';
import { keptInBundle, trimmedPostgisBundle } from './postgis-bundle.ts';

describe('the trimmed PostGIS bundle', () => {
  it('keeps PostGIS, its install script and PROJ data, and nothing of raster or topology', async () => {
    const bundle = await trimmedPostgisBundle();
    expect(bundle).not.toBeNull();
    const paths: string[] = [];
    await list({ file: fileURLToPath(bundle!), onReadEntry: (entry) => paths.push(entry.path) });
    const files = paths.filter((p) => !p.endsWith('/'));
    expect(files).toContain('lib/postgresql/postgis-3.so');
    expect(files).toContain('share/postgresql/extension/postgis.control');
    expect(files).toContain('share/proj/proj.db');
    expect(files.filter((p) => /postgis--\d+\.\d+\.\d+\.sql$/.test(p))).toHaveLength(1);
    expect(files.filter((p) => /raster|topology|tiger|--ANY/.test(p))).toEqual([]);
  });

  it('is built once and reused', async () => {
    const first = await trimmedPostgisBundle();
    const again = await trimmedPostgisBundle();
    expect(again?.href).toBe(first?.href);
    expect(readFileSync(fileURLToPath(first!)).length).toBeGreaterThan(1_000_000);
  });

  it.each([
    ['lib/postgresql/postgis-3.so', true],
    ['./share/proj/proj.db', true],
    ['share/postgresql/extension/postgis--3.6.2.sql', true],
    ['share/postgresql/extension/postgis--3.5.0--ANY.sql', false],
    ['lib/postgresql/postgis_raster-3.so', false],
    ['share/postgresql/extension/postgis_topology--3.6.2.sql', false],
  ])('%s is kept: %s', (path, kept) => {
    expect(keptInBundle(path)).toBe(kept);
  });
});
