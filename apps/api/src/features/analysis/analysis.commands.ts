import type { ForecastMethodName } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { sql } from 'kysely';

// The analyses' one write: the partnership's default forecast method.

/** Sets the method a forecast uses when the request names none. */
export async function setDefaultForecastMethod(
  db: Db,
  partnershipId: string,
  method: ForecastMethodName,
): Promise<void> {
  await sql`update partnership
    set analysis_defaults = coalesce(analysis_defaults, '{}'::jsonb) || jsonb_build_object('forecastMethod', ${method}::text)
    where id = ${partnershipId}`.execute(db.kysely);
}
