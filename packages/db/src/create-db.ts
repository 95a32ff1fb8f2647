import { randomUUID } from 'node:crypto';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PGliteDialect,
  sql,
} from 'kysely';
import { PostgresJSDialect, PostgresJSDriver } from 'kysely-postgres-js';
import postgres from 'postgres';
import { postgisExtension } from './postgis-bundle.ts';
import type { Database } from './schema.ts';

/**
 * kysely-postgres-js 5.0.0 inherits rollbackTransaction from Kysely's own PostgresDriver, which on
 * a failed ROLLBACK calls a private method that only Kysely's `pg` connection has: when the
 * database goes away inside a transaction the caller gets "is not a function" (a 500) instead of
 * the connection error (a 503). Found by the PostgreSQL restart fault test. postgres.js itself
 * drops a dead connection (see patches/postgres+3.4.9.patch), so rethrowing is all that is needed.
 */
class ConnectionSafeDriver extends PostgresJSDriver {
  readonly #activity: DatabaseActivityLog;
  constructor(
    config: ConstructorParameters<typeof PostgresJSDriver>[0],
    activity: DatabaseActivityLog,
  ) {
    super(config);
    this.#activity = activity;
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  // Every wait for a connection and every statement is logged while it lasts, for
  // `databaseActivity`: what a stalled process is waiting on.
  override async acquireConnection(
    ...args: Parameters<PostgresJSDriver['acquireConnection']>
  ): ReturnType<PostgresJSDriver['acquireConnection']> {
    const done = this.#activity.start('acquire');
    const connection = await super.acquireConnection(...args).finally(done);
    const execute = connection.executeQuery.bind(connection);
    connection.executeQuery = (async (query: CompiledQuery) => {
      const finished = this.#activity.start(query.sql);
      try {
        return await execute(query);
      } finally {
        finished();
      }
    }) as typeof connection.executeQuery;
    return connection;
  }
}

class ConnectionSafeDialect extends PostgresJSDialect {
  readonly #config: ConstructorParameters<typeof PostgresJSDialect>[0];
  readonly #activity: DatabaseActivityLog;
  constructor(
    config: ConstructorParameters<typeof PostgresJSDialect>[0],
    activity: DatabaseActivityLog,
  ) {
    super(config);
    this.#config = config;
    this.#activity = activity;
  }
  override createDriver(): Driver {
    return new ConnectionSafeDriver(this.#config, this.#activity);
  }
}

/** What a database handle is waiting on: connections asked for and statements running. */
export interface DatabaseActivity {
  /** Oldest first: `what` is 'acquire' (waiting for a connection) or a statement's first words. */
  readonly waits: readonly { readonly what: string; readonly ms: number }[];
}

class DatabaseActivityLog {
  readonly #open = new Map<symbol, { what: string; since: number }>();

  start(what: string): () => void {
    const key = Symbol();
    this.#open.set(key, {
      what: what.slice(0, 200).replace(/\s+/g, ' ').trim().slice(0, 60),
      since: performance.now(),
    });
    return () => this.#open.delete(key);
  }

  snapshot(): DatabaseActivity {
    const now = performance.now();
    return {
      waits: [...this.#open.values()]
        .map((w) => ({ what: w.what, ms: Math.round(now - w.since) }))
        .sort((a, b) => b.ms - a.ms),
    };
  }
}

const activityLogs = new WeakMap<Db, DatabaseActivityLog>();

/**
 * What this PostgreSQL handle is waiting on now (the server logs it on SIGUSR2); undefined for
 * PGlite, which runs one statement at a time in the process.
 */
export function databaseActivity(db: Db): DatabaseActivity | undefined {
  return activityLogs.get(db)?.snapshot();
}

const backgroundWork = new WeakMap<Db, Set<Promise<void>>>();

/**
 * Work started on this database that no request awaits (the publication after a commit):
 * `close()` lets it finish first, so a shutdown does not cut it off midway and the pool's end
 * does not sit out its timeout for a connection still in use. Its outcome is the caller's to
 * handle; here it only delays the close. Example: `runInBackground(db, publish())`.
 */
export function runInBackground(db: Db, work: Promise<unknown>): void {
  let running = backgroundWork.get(db);
  if (!running) {
    running = new Set();
    backgroundWork.set(db, running);
  }
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  running.add(settled);
  void settled.then(() => running.delete(settled));
}

/** Until no background work of this database runs (work may start more work). */
export async function backgroundSettled(db: Db): Promise<void> {
  const running = backgroundWork.get(db);
  while (running && running.size > 0) await Promise.all(running);
}

export type DatabaseKind = 'pglite' | 'postgres';

/** A database handle: the Kysely instance plus what only the storage layer knows. */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** The postgres.js client when kind is 'postgres' (used for COPY); otherwise undefined. */
  readonly postgresClient: postgres.Sql | undefined;
  /** The PGlite instance when kind is 'pglite' (used for backups); otherwise undefined. */
  readonly pglite: PGlite | undefined;
  close(): Promise<void>;
}

const instances = new WeakMap<Db, string>();

/**
 * A name for this open database, unique in the process. Per-process caches key on it besides a
 * partnership and its data version: two open databases can hold the same partnership at the same
 * version with different data (two copies of one dump, as tests make; a restore into a new
 * database while another is open). Example: `cache.get(\`${databaseInstance(db)}|${key}\`)`.
 */
export function databaseInstance(db: Db): string {
  let name = instances.get(db);
  if (!name) {
    name = randomUUID();
    instances.set(db, name);
  }
  return name;
}

export type CreateDbOptions =
  | { readonly databaseUrl: string; readonly maxConnections?: number }
  | { readonly dataDir: string }
  | { readonly pgliteDump: Blob }
  | { readonly memory: true };

/** Raised when the database cannot be opened or reached; its message is one clear line. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

// Dates stay 'YYYY-MM-DD' strings and int8 stays a string on both drivers, so the two
// databases return identical rows.
const PG_INT8 = 20;
const PG_DATE = 1082;
const PG_NUMERIC = 1700;
const identity = (value: string): string => value;

/**
 * Opens PostgreSQL when `databaseUrl` is given, otherwise PGlite with PostGIS in `dataDir`
 * (or in memory, or from a dump). Example: `const db = await createDb({ dataDir: './data' })`.
 */
export async function createDb(options: CreateDbOptions): Promise<Db> {
  if ('databaseUrl' in options) return openPostgres(options.databaseUrl, options.maxConnections);
  return openPglite(options);
}

async function openPostgres(databaseUrl: string, maxConnections = 10): Promise<Db> {
  const client = postgres(databaseUrl, {
    max: maxConnections,
    onnotice: () => undefined,
    connect_timeout: 10,
    idle_timeout: 30,
    // postgres.js waits (0.5-1) x min(3^n / 100, 20) s before the n-th reconnection, with n
    // counted over the whole pool: after a second of refused connections during a restart,
    // queued queries sat out 10-20 s of backoff while the server was already back (found by the
    // restart fault test). Short and capped: an outage is answered with 503s at once, and the
    // pool is back within half a second of the server.
    backoff: (retries: number) => Math.min(0.01 * 2 ** retries, 0.5),
    types: {
      date: { to: PG_DATE, from: [PG_DATE], serialize: (x: string) => x, parse: identity },
    },
    // JIT off: PostGIS declares its functions costly (ST_Intersects 10,000 units a row), so a
    // selection of 100,000 records clipped to the area crossed jit_above_cost and spent about
    // 350 ms compiling (inlining and optimising) for 230 ms of execution, on every request: no
    // query here runs long enough to repay a compile.
    connection: { application_name: 'hotspot-map', jit: 'off' },
  });
  try {
    await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 1 }).catch(() => undefined);
    throw new DatabaseUnavailableError(
      `cannot reach PostgreSQL at ${redactUrl(databaseUrl)}: ${describeError(error)}`,
    );
  }
  const activity = new DatabaseActivityLog();
  const kysely = new Kysely<Database>({
    dialect: new ConnectionSafeDialect({ postgres: client }, activity),
  });
  const db: Db = {
    kysely,
    kind: 'postgres',
    postgresClient: client,
    pglite: undefined,
    // Bounded: a connection broken mid-query must not keep the process from shutting down.
    close: async () => {
      await backgroundSettled(db);
      await client.end({ timeout: 5 });
      await kysely.destroy();
    },
  };
  activityLogs.set(db, activity);
  return db;
}

async function openPglite(
  options: { dataDir: string } | { pgliteDump: Blob } | { memory: true },
): Promise<Db> {
  const parsers = { [PG_INT8]: identity, [PG_DATE]: identity, [PG_NUMERIC]: identity };
  let pglite: PGlite;
  try {
    if ('dataDir' in options) {
      mkdirSync(options.dataDir, { recursive: true });
      // PGlite reports an unwritable folder only as "failed to initialize"; say what is wrong.
      try {
        accessSync(options.dataDir, constants.W_OK);
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'unknown error';
        throw new DatabaseUnavailableError(
          `the data folder ${options.dataDir} is not writable (${code === 'EROFS' ? 'read-only file system, EROFS' : code})`,
        );
      }
    }
    pglite = await PGlite.create({
      extensions: { postgis: await postgisExtension() },
      parsers,
      ...('dataDir' in options ? { dataDir: options.dataDir } : {}),
      ...('pgliteDump' in options ? { loadDataDir: options.pgliteDump } : {}),
    });
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) throw error;
    const where = 'dataDir' in options ? ` in ${options.dataDir}` : '';
    throw new DatabaseUnavailableError(
      `cannot open the embedded database${where}: ${describeError(error)}`,
    );
  }
  const kysely = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  const db: Db = {
    kysely,
    kind: 'pglite',
    postgresClient: undefined,
    pglite,
    close: async () => {
      await backgroundSettled(db);
      await kysely.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
  return db;
}

/** The PostGIS version string, e.g. "3.6.2". */
export async function postgisVersion(db: Db): Promise<string> {
  const result = await sql<{ version: string }>`select postgis_lib_version() as version`.execute(
    db.kysely,
  );
  return result.rows[0]?.version ?? 'unknown';
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

// PGlite's file system reports failures as Emscripten ErrnoErrors with WASI errno numbers and
// no message; name the common ones so the start-up error says what is wrong with the folder.
const WASI_ERRNO: Readonly<Record<number, string>> = {
  2: 'permission denied (EACCES)',
  19: 'disk quota exceeded (EDQUOT)',
  20: 'file exists (EEXIST)',
  22: 'file too large (EFBIG)',
  29: 'input/output error (EIO)',
  31: 'is a directory (EISDIR)',
  44: 'no such file or directory (ENOENT)',
  51: 'no space left on the device (ENOSPC)',
  54: 'not a directory (ENOTDIR)',
  63: 'operation not permitted (EPERM)',
  69: 'read-only file system (EROFS)',
};

function describeError(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'errno' in error &&
    !(error instanceof Error)
  ) {
    const errno = Number((error as { errno: unknown }).errno);
    return WASI_ERRNO[errno] ?? `file system error ${errno}`;
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && code !== error.message
      ? `${code} ${error.message}`
      : error.message || String(error);
  }
  return String(error);
}
