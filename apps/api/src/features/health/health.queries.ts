import { postgisVersion } from '@hotspot/db';
import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';

/** Asks the database to answer; throws when it cannot be reached. */
export async function databaseHealth(deps: Pick<AppDeps, 'db'>) {
  await sql`select 1`.execute(deps.db.kysely);
  const postgis = await postgisVersion(deps.db);
  return { status: 'ok' as const, database: deps.db.kind, postgis };
}
