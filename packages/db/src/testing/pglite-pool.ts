import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { backgroundSettled, createDb, type Db } from '../create-db.ts';
import type { Database } from '../schema.ts';

// Opening PGlite from a dump costs a second or more, and each new instance pays PostGIS's lazy
// first calls again (the first ST_Transform loads PROJ's tables, the first GEOS call its
// library): seconds per instance, and a run opens dozens. A test's database therefore goes back
// to a pool of its test process when closed, is put back to the state it was loaded in, and is
// handed to the next test that asks for the same dump. A database whose schema, triggers or
// functions the test changed is closed instead, so no test sees another's schema changes.

/** The state a pooled database returns to: its tables' rows, sequences and schema. */
interface Baseline {
  readonly schema: string;
  readonly tables: readonly { readonly name: string; readonly rows: Blob }[];
  readonly sequences: readonly {
    readonly name: string;
    readonly value: string;
    readonly called: boolean;
  }[];
}

interface Pooled {
  readonly db: Db;
  readonly pglite: PGlite;
  readonly baseline: Baseline;
}

// Idle databases of this process, oldest first; beyond this many the oldest is closed (each
// holds its WebAssembly memory, hundreds of MB once used).
const MAX_IDLE = 3;
const idle: { readonly key: string; readonly pooled: Pooled }[] = [];

function takeIdle(key: string): Pooled | undefined {
  const index = idle.findLastIndex((entry) => entry.key === key);
  return index < 0 ? undefined : idle.splice(index, 1)[0]!.pooled;
}

// Everything a test could change about a database other than its rows: relations, columns,
// constraints, indexes, triggers (and whether each is enabled), functions, roles and settings.
const SCHEMA_FINGERPRINT = `
  select md5(string_agg(x, E'\\n' order by x)) as schema from (
    select n.nspname || '.' || c.relname || ':' || c.relkind::text as x
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
        and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'
    union all
    select a.attrelid::regclass::text || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
        || ':' || a.attnotnull || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped
    union all
    select 'constraint ' || conrelid::regclass::text || '.' || conname || ':' || pg_get_constraintdef(oid)
      from pg_constraint where connamespace = 'public'::regnamespace
    union all
    select 'index ' || indexrelid::regclass::text || ':' || pg_get_indexdef(indexrelid)
      from pg_index i join pg_class c on c.oid = i.indrelid
      where c.relnamespace = 'public'::regnamespace
    union all
    select 'trigger ' || tgrelid::regclass::text || '.' || tgname || ':' || tgenabled::text
      from pg_trigger where not tgisinternal
    union all
    select 'function ' || p.oid::regprocedure::text || ':' || md5(coalesce(p.prosrc, ''))
        || ':' || coalesce(array_to_string(p.proconfig, ','), '')
      from pg_proc p where p.pronamespace = 'public'::regnamespace
    union all
    select 'role ' || rolname || ':' || rolsuper from pg_roles
    union all
    select 'setting ' || coalesce(array_to_string(setconfig, ','), '') from pg_db_role_setting
    union all
    select 'extension ' || extname || ':' || extversion from pg_extension
  ) s`;

async function schemaOf(pglite: PGlite): Promise<string> {
  const result = await pglite.query<{ schema: string }>(SCHEMA_FINGERPRINT);
  return result.rows[0]!.schema;
}

/** The ordinary tables of the public schema, in a fixed order. */
async function tablesOf(pglite: PGlite): Promise<string[]> {
  const result = await pglite.query<{ name: string }>(`
    select format('%I', c.relname) as name from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
      -- Not an extension's own table (PostGIS's spatial_ref_sys): no test writes to those.
      and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
    order by c.relname`);
  return result.rows.map((r) => r.name);
}

async function baselineOf(pglite: PGlite): Promise<Baseline> {
  const tables: { name: string; rows: Blob }[] = [];
  for (const name of await tablesOf(pglite)) {
    const any = await pglite.query(`select 1 from ${name} limit 1`);
    if (any.rows.length === 0) continue;
    const copied = await pglite.query(`copy ${name} to '/dev/blob'`);
    if (!copied.blob) throw new Error(`copy of ${name} returned no rows`);
    tables.push({ name, rows: copied.blob });
  }
  const sequences = await pglite.query<{ name: string; value: string; called: boolean }>(`
    select format('%I.%I', schemaname, sequencename) as name, coalesce(last_value, start_value)::text as value,
      last_value is not null as called
    from pg_sequences where schemaname = 'public'`);
  return { schema: await schemaOf(pglite), tables, sequences: sequences.rows };
}

/** Puts a database back to its baseline; false when it cannot be (it is then closed). */
async function restore(pooled: Pooled): Promise<boolean> {
  const { pglite, baseline } = pooled;
  if (pglite.closed) return false;
  // Session state a test may have left: an open transaction, settings, temporary tables.
  await pglite.exec('rollback; reset all; discard temp; unlisten *');
  if ((await schemaOf(pglite)) !== baseline.schema) return false;
  const tables = await tablesOf(pglite);
  await pglite.transaction(async (tx) => {
    // Replica mode: no trigger runs (the audit table's append-only guards, the published
    // table's upkeep), as the rows restored are exactly the rows the baseline had.
    await tx.exec('set local session_replication_role = replica');
    if (tables.length > 0) await tx.exec(`truncate ${tables.join(', ')}`);
    for (const { name, rows } of baseline.tables) {
      await tx.query(`copy ${name} from '/dev/blob'`, [], { blob: rows });
    }
    for (const { name, value, called } of baseline.sequences) {
      await tx.query('select setval($1::regclass, $2::bigint, $3)', [name, value, called]);
    }
  });
  return true;
}

/**
 * A PGlite database in the state `dump` holds, from this process's pool when one is idle.
 * `key` names the dump (the same key must always mean the same contents). Closing the returned
 * database puts it back to that state and returns it to the pool.
 * Example: `const db = await pooledPglite('migrated', () => migratedTemplate())`.
 */
export async function pooledPglite(key: string, dump: () => Blob | Promise<Blob>): Promise<Db> {
  const pooled = takeIdle(key) ?? (await loaded(await dump()));
  const lease = leaseOf(pooled.pglite);
  const kysely = new Kysely<Database>({ dialect: new PGliteDialect({ pglite: lease.pglite }) });
  let released = false;
  const db: Db = {
    kysely,
    kind: 'pglite',
    postgresClient: undefined,
    pglite: lease.pglite,
    close: async () => {
      if (released) return;
      released = true;
      await backgroundSettled(db);
      await kysely.destroy();
      lease.end();
      let reusable = false;
      try {
        reusable = await restore(pooled);
      } catch {
        reusable = false;
      }
      if (!reusable) {
        await pooled.db.close();
        return;
      }
      idle.push({ key, pooled });
      while (idle.length > MAX_IDLE) await idle.shift()!.pooled.db.close();
    },
  };
  return db;
}

/**
 * The pooled instance as one test sees it: closing it (directly, or through Kysely's destroy)
 * ends this lease only, after which it behaves as a closed PGlite does, as an unpooled one would.
 */
function leaseOf(pglite: PGlite): { pglite: PGlite; end(): void } {
  const view = leased(pglite);
  instances.set(view.pglite, pglite);
  return view;
}

const instances = new WeakMap<PGlite, PGlite>();

/** The PGlite instance behind a pooled database (for tests of the pool). */
export function pooledInstance(db: Db): PGlite | undefined {
  return db.pglite && instances.get(db.pglite);
}

function leased(pglite: PGlite): { pglite: PGlite; end(): void } {
  let ended = false;
  const closedError = () => Promise.reject(new Error('PGlite is closed'));
  const view = new Proxy(pglite, {
    get(target, property) {
      if (property === 'closed') return ended || target.closed;
      if (property === 'close') {
        return async () => {
          ended = true;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (ended) return closedError;
      return value.bind(target);
    },
  });
  return {
    pglite: view,
    end: () => {
      ended = true;
    },
  };
}

async function loaded(dump: Blob): Promise<Pooled> {
  const db = await createDb({ pgliteDump: dump });
  const pglite = db.pglite;
  if (!pglite) throw new Error('a pooled database must be PGlite');
  return { db, pglite, baseline: await baselineOf(pglite) };
}
