import { sql } from 'kysely';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';

export interface BoundaryReplacement {
  readonly features: readonly {
    readonly geometry: unknown;
    readonly properties: { readonly code: string; readonly name: string };
  }[];
  readonly source?: string | undefined;
}

/**
 * Replaces the partnership's whole ward or district set in one transaction: a shape with no
 * area after repair rolls it back as a validation problem.
 */
export async function replaceBoundaries(
  deps: AppDeps,
  user: SessionUser,
  kind: 'ward' | 'district',
  upload: BoundaryReplacement,
): Promise<{ replaced: number; loaded: number }> {
  const source =
    upload.source ?? `uploaded by an administrator on ${deps.clock().toISOString().slice(0, 10)}`;
  return deps.db.kysely.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom('boundary')
      .where('partnership_id', '=', user.partnershipId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    for (const feature of upload.features) {
      const geom = sql<string>`ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(${JSON.stringify(feature.geometry)})), 4326)), 3))`;
      await trx
        .insertInto('boundary')
        .values({
          id: deps.newId(),
          partnership_id: user.partnershipId,
          kind,
          code: feature.properties.code,
          name: feature.properties.name,
          geom,
          source,
        })
        .execute();
    }
    const empty = await sql<{ n: string }>`select count(*)::text as n from boundary
      where partnership_id = ${user.partnershipId} and kind = ${kind} and ST_IsEmpty(geom)`.execute(
      trx,
    );
    if (Number(empty.rows[0]?.n ?? 0) > 0) {
      throw new ProblemError(PROBLEM.validation, 'A boundary has no area after repair.');
    }
    return { replaced: Number(removed.numDeletedRows), loaded: upload.features.length };
  });
}
