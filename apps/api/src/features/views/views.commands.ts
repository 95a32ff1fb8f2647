import type { z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { AppDeps, SessionUser } from '../../deps.ts';
import type { NewViewSchema } from '../../http/request-schemas.ts';
import { findView, type SavedView } from './views.queries.ts';

/** Saves a map view for the user's partnership and returns it as stored. */
export async function createView(
  deps: AppDeps,
  user: SessionUser,
  body: z.infer<typeof NewViewSchema>,
): Promise<SavedView> {
  const id = deps.newId();
  await deps.db.kysely
    .insertInto('saved_view')
    .values({
      id,
      partnership_id: user.partnershipId,
      name: body.name,
      config_version: body.config.v,
      config: sql<string>`cast(${JSON.stringify(body.config)}::text as jsonb)`,
      created_by: user.id,
      created_at: deps.clock(),
    })
    .execute();
  const view = await findView(deps, user.partnershipId, id);
  if (!view) throw new Error(`saved view ${id} vanished after insert`);
  return view;
}
