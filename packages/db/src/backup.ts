import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import type { Db } from './create-db.ts';
import { migrations } from './migrate.ts';
import type { Database } from './schema.ts';

const FORMAT = 'hotspot-map-backup';
const FORMAT_VERSION = 1;
const CHUNK_ROWS = 2000;
// Sessions and sign-in throttling are transient: a restored system starts signed out. The
// published table is derived: triggers rebuild it as the records are restored (with their keys),
// which counts the records of batches still waiting for publication too.
const SKIPPED_TABLES = new Set([
  'published_cell',
  'published_area_part',
  'published_area_square',
  'published_cell_total',
  'published_pending',
  'session',
  'login_throttle',
  'spatial_ref_sys',
  'kysely_migration',
  'kysely_migration_lock',
]);

interface BackupHeader {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly migrations: readonly string[];
  readonly source: string;
  readonly createdAt: string;
}

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/**
 * Writes a logical, gzip-compressed backup (NDJSON; geometries as hex EWKB) that either
 * database can restore, so an embedded installation can move to a PostgreSQL server.
 * Returns the number of rows written per table.
 */
export async function backupTo(db: Db, file: string, now: Date): Promise<Record<string, number>> {
  const tables = await tablesInDependencyOrder(db.kysely);
  const gzip = createGzip();
  const out = createWriteStream(file);
  gzip.pipe(out);
  const write = async (value: unknown) => {
    if (!gzip.write(`${JSON.stringify(value)}\n`)) await once(gzip, 'drain');
  };
  const header: BackupHeader = {
    format: FORMAT,
    version: FORMAT_VERSION,
    migrations: Object.keys(migrations),
    source: db.kind,
    createdAt: now.toISOString(),
  };
  await write(header);
  const counts: Record<string, number> = {};
  // One snapshot for the whole backup, so rows written concurrently cannot half-appear.
  await db.kysely
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      for (const table of tables) {
        const select = await selectList(trx, table);
        const keys = await orderKeys(trx, table);
        counts[table] = 0;
        for (let offset = 0; ; offset += CHUNK_ROWS) {
          const result = await sql<{ rows: unknown[] | null }>`
          select json_agg(r) as rows from (
            select ${sql.raw(select)} from ${sql.table(table)} t
            order by ${sql.raw(keys)} limit ${CHUNK_ROWS} offset ${offset}) r`.execute(trx);
          const rows = result.rows[0]?.rows ?? [];
          if (rows.length === 0) break;
          await write({ table, rows });
          counts[table] += rows.length;
          if (rows.length < CHUNK_ROWS) break;
        }
      }
    });
  gzip.end();
  await once(out, 'finish');
  return counts;
}

/** Restores a backup into an empty, migrated database, in one transaction. */
export async function restoreFrom(db: Db, file: string): Promise<Record<string, number>> {
  const populated = await db.kysely.selectFrom('partnership').select('id').limit(1).execute();
  if (populated.length > 0) {
    throw new BackupError('the target database is not empty; restore only into a new database');
  }
  const known = new Set(Object.keys(migrations));
  let header: BackupHeader | undefined;
  const counts: Record<string, number> = {};
  await db.kysely.transaction().execute(async (trx) => {
    const tables = new Set(await tablesInDependencyOrder(trx));
    // Created right before iterating: readline drops lines emitted before iteration starts.
    const lines = createInterface({
      input: createReadStream(file).pipe(createGunzip()),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (!line.trim()) continue;
      const value = JSON.parse(line) as unknown;
      if (!header) {
        header = value as BackupHeader;
        if (header.format !== FORMAT || header.version !== FORMAT_VERSION) {
          throw new BackupError(`${file} is not a hotspot-map backup of version ${FORMAT_VERSION}`);
        }
        const unknown = header.migrations.filter((m) => !known.has(m));
        if (unknown.length > 0) {
          throw new BackupError(
            `the backup comes from a newer schema (${unknown.join(', ')}); upgrade first`,
          );
        }
        continue;
      }
      const { table, rows } = value as { table: string; rows: unknown[] };
      if (!tables.has(table)) throw new BackupError(`the backup names an unknown table: ${table}`);
      if (table === 'audit_chain') {
        // Migration 0008 writes this one-row table (where the keyed audit chain begins) in every
        // new database, and refuses changes to it like the events. A restore replaces it with
        // the backup's row, inside the restore's transaction, so the restored chain verifies.
        await sql`alter table audit_chain disable trigger audit_chain_no_update`.execute(trx);
        await sql`delete from audit_chain`.execute(trx);
        await sql`insert into audit_chain
          select * from jsonb_populate_recordset(null::audit_chain, cast(${JSON.stringify(rows)}::text as jsonb))`.execute(
          trx,
        );
        await sql`alter table audit_chain enable trigger audit_chain_no_update`.execute(trx);
        counts[table] = (counts[table] ?? 0) + rows.length;
        continue;
      }
      await sql`insert into ${sql.table(table)} overriding system value
        select * from jsonb_populate_recordset(null::${sql.table(table)}, cast(${JSON.stringify(rows)}::text as jsonb))`.execute(
        trx,
      );
      counts[table] = (counts[table] ?? 0) + rows.length;
    }
    if (!header) throw new BackupError(`${file} is empty`);
    const identities = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and is_identity = 'YES'`.execute(trx);
    for (const { table_name, column_name } of identities.rows) {
      await sql`select setval(pg_get_serial_sequence(${table_name}, ${column_name}),
        coalesce((select max(${sql.ref(column_name)}) from ${sql.table(table_name)}), 0) + 1, false)`.execute(
        trx,
      );
    }
  });
  return counts;
}

async function tablesInDependencyOrder(db: Kysely<Database>): Promise<string[]> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r' order by c.relname`.execute(db);
  const edges = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent from pg_constraint k
    join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = current_schema()`.execute(db);
  const names = tables.rows.map((t) => t.name).filter((t) => !SKIPPED_TABLES.has(t));
  const parents = new Map(names.map((n) => [n, new Set<string>()]));
  for (const e of edges.rows) if (e.child !== e.parent) parents.get(e.child)?.add(e.parent);
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.includes(name) || visiting.has(name) || !parents.has(name)) return;
    visiting.add(name);
    for (const p of parents.get(name) ?? []) visit(p);
    visiting.delete(name);
    ordered.push(name);
  };
  for (const n of names) visit(n);
  return ordered;
}

async function selectList(db: Kysely<Database>, table: string): Promise<string> {
  const columns = await sql<{ column_name: string; udt_name: string }>`
    select column_name, udt_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(
    db,
  );
  return columns.rows
    .map(({ column_name, udt_name }) =>
      udt_name === 'geometry'
        ? `t."${column_name}"::text as "${column_name}"`
        : `t."${column_name}"`,
    )
    .join(', ');
}

async function orderKeys(db: Kysely<Database>, table: string): Promise<string> {
  const keys = await sql<{ column_name: string }>`
    select a.attname as column_name from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = ${table}::regclass and i.indisprimary order by a.attnum`.execute(db);
  return keys.rows.length > 0 ? keys.rows.map((k) => `t."${k.column_name}"`).join(', ') : 't.ctid';
}
