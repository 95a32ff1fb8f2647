/**
 * PostGIS for PGlite, without the parts this product never loads.
 *
 * The published extension bundle (95 MB unpacked) holds PostGIS, raster, topology, the TIGER
 * geocoder and every upgrade script since 2.0. PGlite unpacks all of it into each database's
 * in-memory file system and compiles every shared library in it (three 16 MB WebAssembly
 * modules), on every open: about 0.6 s and 300 MB of memory per database spent on raster and
 * topology, which no migration creates. This keeps PostGIS itself, its install script and the
 * PROJ data that ST_Transform reads, in a bundle built once from the installed one and kept in
 * node_modules/.cache, keyed by a hash of the installed bundle. Should the cache be
 * unwritable, the full bundle is used: slower, the same database.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Extension } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { create, extract } from 'tar';

/** What PostGIS needs at run time: the library, CREATE EXTENSION's script, PROJ's data. */
const KEEP = [
  /^lib\/postgresql\/postgis-3\.so$/,
  /^share\/postgresql\/extension\/postgis\.control$/,
  /^share\/postgresql\/extension\/postgis--\d+\.\d+\.\d+\.sql$/,
  /^share\/proj\//,
];

export function keptInBundle(path: string): boolean {
  const relative = path.replace(/^\.\//, '');
  return KEEP.some((pattern) => pattern.test(relative));
}

/** The installed bundle: beside the package's entry point, where its own setup names it. */
function installedBundle(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite-postgis');
  return join(dirname(entry), 'postgis.tar.gz');
}

async function buildTrimmed(source: string, target: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'hotspot-postgis-'));
  try {
    const unpacked = join(work, 'bundle');
    mkdirSync(unpacked);
    await extract({ file: source, cwd: unpacked, filter: (path) => keptInBundle(path) });
    const partial = `${target}.${process.pid}.part`;
    await create({ gzip: { level: 1 }, file: partial, cwd: unpacked, portable: true }, [
      'lib',
      'share',
    ]);
    renameSync(partial, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

let trimmed: Promise<URL | null> | undefined;

/** The trimmed bundle's location, building it on first use; null when it cannot be built. */
export function trimmedPostgisBundle(): Promise<URL | null> {
  trimmed ??= (async () => {
    try {
      const source = installedBundle();
      // Keyed by the installed bundle's bytes (npm gives every installed file the same time, so
      // size and time would not tell two versions apart) and by what is kept: about 50 ms.
      const key = createHash('sha256')
        .update(readFileSync(source))
        .update(KEEP.join(','))
        .digest('hex')
        .slice(0, 16);
      // node_modules/.cache beside the installed package: private to this install, unlike /tmp,
      // where another user could plant a library for the database to load.
      const at = source.lastIndexOf(`${sep}node_modules${sep}`);
      const nodeModules =
        at < 0 ? dirname(source) : source.slice(0, at + 'node_modules'.length + 1);
      const cache = join(nodeModules, '.cache', 'hotspot-postgis');
      const target = join(cache, `postgis-${key}.tar.gz`);
      if (!existsSync(target)) {
        mkdirSync(cache, { recursive: true });
        await buildTrimmed(source, target);
        // A bundle trimmed from an earlier install is not needed again.
        for (const name of readdirSync(cache)) {
          if (/^postgis-[0-9a-f]{16}\.tar\.gz$/.test(name) && join(cache, name) !== target) {
            rmSync(join(cache, name), { force: true });
          }
        }
      }
      return pathToFileURL(target);
    } catch {
      return null;
    }
  })();
  return trimmed;
}

/** The PostGIS extension for PGlite, loading the trimmed bundle when there is one. */
export async function postgisExtension(): Promise<Extension> {
  const bundle = await trimmedPostgisBundle();
  if (!bundle) return postgis;
  return {
    name: postgis.name,
    setup: async (pg, emscriptenOptions) => ({
      ...(await postgis.setup(pg, emscriptenOptions)),
      bundlePath: bundle,
    }),
  };
}
