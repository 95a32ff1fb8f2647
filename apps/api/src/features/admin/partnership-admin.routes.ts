import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  AgencyChangeSchema,
  AgencyKindSchema,
  AgencyListSchema,
  AgencySchema,
  NewAgencySchema,
  NewTaxonomyItemSchema,
  PartnershipSettingsChangeSchema,
  PartnershipSettingsSchema,
  PoliceUkMappingSchema,
  TaxonomyChangeSchema,
  TaxonomyCodeParamSchema,
  TaxonomyItemListSchema,
  TaxonomyItemSchema,
} from '@hotspot/contracts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit } from '../audit/index.ts';
import { changePartnershipSettings } from './admin.commands.ts';
import { withConstraintProblems } from './database-errors.ts';

// ---- agencies ---------------------------------------------------------------------------

const listAgencies = createRoute({
  method: 'get',
  path: '/api/admin/agencies',
  summary: "The partnership's agencies (admin)",
  responses: {
    200: {
      description: 'Agencies',
      content: { 'application/json': { schema: AgencyListSchema } },
    },
    ...problemResponses(401, 403),
  },
});
const createAgency = createRoute({
  method: 'post',
  path: '/api/admin/agencies',
  summary: 'Add an agency (admin)',
  request: jsonBody(NewAgencySchema),
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: AgencySchema } } },
    ...problemResponses(400, 401, 403, 409, 422),
  },
});
const changeAgency = createRoute({
  method: 'patch',
  path: '/api/admin/agencies/{id}',
  summary: "Change an agency's name, kind or email (admin); the code is permanent",
  request: { params: z.object({ id: z.uuid() }), ...jsonBody(AgencyChangeSchema) },
  responses: {
    200: { description: 'Changed', content: { 'application/json': { schema: AgencySchema } } },
    ...problemResponses(400, 401, 403, 404, 422),
  },
});

// ---- settings ---------------------------------------------------------------------------

const getSettings = createRoute({
  method: 'get',
  path: '/api/admin/settings',
  summary: 'Partnership settings: suppression threshold k, retention period, second-factor policy',
  responses: {
    200: {
      description: 'Settings',
      content: { 'application/json': { schema: PartnershipSettingsSchema } },
    },
    ...problemResponses(401, 403),
  },
});
const changeSettings = createRoute({
  method: 'patch',
  path: '/api/admin/settings',
  summary: 'Change partnership settings (admin)',
  request: jsonBody(PartnershipSettingsChangeSchema),
  responses: {
    200: {
      description: 'Changed',
      content: { 'application/json': { schema: PartnershipSettingsSchema } },
    },
    ...problemResponses(400, 401, 403, 422),
  },
});

// ---- taxonomy ---------------------------------------------------------------------------

const TAXONOMIES = [
  { table: 'category', path: 'categories', noun: 'category' },
  { table: 'place_type', path: 'place-types', noun: 'place type' },
] as const;

const getMapping = createRoute({
  method: 'get',
  path: '/api/admin/police-uk-mapping',
  summary: 'How police.uk crime types map to the partnership categories (admin)',
  responses: {
    200: {
      description: 'Mapping',
      content: { 'application/json': { schema: PoliceUkMappingSchema } },
    },
    ...problemResponses(401, 403),
  },
});
const putMapping = createRoute({
  method: 'put',
  path: '/api/admin/police-uk-mapping',
  summary:
    'Replace the police.uk crime-type mapping (admin); unmapped crime types are not imported',
  request: jsonBody(PoliceUkMappingSchema),
  responses: {
    200: {
      description: 'Replaced',
      content: { 'application/json': { schema: PoliceUkMappingSchema } },
    },
    ...problemResponses(400, 401, 403, 422),
  },
});

function toAgency(r: {
  id: string;
  code: string;
  name: string;
  kind: string;
  email: string | null;
}) {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    kind: AgencyKindSchema.parse(r.kind),
    email: r.email,
  };
}

async function settingsOf(deps: AppDeps, partnershipId: string) {
  const row = await deps.db.kysely
    .selectFrom('partnership')
    .select(['suppression_k', 'retention_months', 'mfa_required', 'published_hex_sizes'])
    .where('id', '=', partnershipId)
    .executeTakeFirstOrThrow();
  return {
    suppressionK: row.suppression_k,
    retentionMonths: row.retention_months,
    mfaRequired: row.mfa_required,
    publishedHexSizes: [...row.published_hex_sizes].map(Number).sort((a, b) => a - b),
  };
}

async function mappingOf(deps: AppDeps, partnershipId: string) {
  const rows = await deps.db.kysely
    .selectFrom('police_uk_mapping')
    .select(['crime_type', 'category_code'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('crime_type')
    .execute();
  return {
    mappings: rows.map((r) => ({ crimeType: r.crime_type, categoryCode: r.category_code })),
  };
}

function taxonomyRoutes(deps: AppDeps, taxonomy: (typeof TAXONOMIES)[number]) {
  const { table, path, noun } = taxonomy;
  const list = createRoute({
    method: 'get',
    path: `/api/admin/${path}`,
    summary: `The partnership's ${noun} list, retired included (admin)`,
    responses: {
      200: {
        description: 'Items',
        content: {
          'application/json': { schema: TaxonomyItemListSchema },
        },
      },
      ...problemResponses(401, 403),
    },
  });
  const create = createRoute({
    method: 'post',
    path: `/api/admin/${path}`,
    summary: `Add a ${noun} (admin)`,
    request: jsonBody(NewTaxonomyItemSchema),
    responses: {
      201: {
        description: 'Created',
        content: { 'application/json': { schema: TaxonomyItemSchema } },
      },
      ...problemResponses(400, 401, 403, 409, 422),
    },
  });
  const change = createRoute({
    method: 'patch',
    path: `/api/admin/${path}/{code}`,
    summary: `Relabel, describe, retire or restore a ${noun} (admin); codes are permanent`,
    request: { params: TaxonomyCodeParamSchema, ...jsonBody(TaxonomyChangeSchema) },
    responses: {
      200: {
        description: 'Changed',
        content: { 'application/json': { schema: TaxonomyItemSchema } },
      },
      ...problemResponses(400, 401, 403, 404, 422),
    },
  });
  const columns = ['code', 'label', 'description', 'retired'] as const;
  return new OpenAPIHono<AppEnv>()
    .openapi(list, async (c) => {
      const admin = currentUser(c);
      const items = await deps.db.kysely
        .selectFrom(table)
        .select(columns)
        .where('partnership_id', '=', admin.partnershipId)
        .orderBy('label')
        .execute();
      return c.json({ items }, 200);
    })
    .openapi(create, async (c) => {
      const admin = currentUser(c);
      const input = c.req.valid('json');
      const item = await withConstraintProblems(
        () =>
          deps.db.kysely
            .insertInto(table)
            .values({
              partnership_id: admin.partnershipId,
              code: input.code,
              label: input.label,
              description: input.description ?? null,
            })
            .returning(columns)
            .executeTakeFirstOrThrow(),
        { duplicate: `A ${noun} with code ${input.code} already exists.` },
      );
      await audit(deps, c, {
        category: 'admin',
        action: `${table}.create`,
        objectType: table,
        objectId: input.code,
      });
      return c.json(item, 201);
    })
    .openapi(change, async (c) => {
      const admin = currentUser(c);
      const { code } = c.req.valid('param');
      const input = c.req.valid('json');
      const item = await deps.db.kysely
        .updateTable(table)
        .set({
          ...(input.label !== undefined ? { label: input.label } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.retired !== undefined ? { retired: input.retired } : {}),
        })
        .where('partnership_id', '=', admin.partnershipId)
        .where('code', '=', code)
        .returning(columns)
        .executeTakeFirst();
      if (!item) throw new ProblemError(PROBLEM.notFound, `No ${noun} with code ${code}.`);
      await audit(deps, c, {
        category: 'admin',
        action: input.retired === true ? `${table}.retire` : `${table}.change`,
        objectType: table,
        objectId: code,
        query: { retired: input.retired },
      });
      return c.json(item, 200);
    });
}

/** Agencies, settings and taxonomy of the admin's own partnership. */
export function partnershipAdminRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>()
    .openapi(listAgencies, async (c) => {
      const admin = currentUser(c);
      const rows = await deps.db.kysely
        .selectFrom('agency')
        .select(['id', 'code', 'name', 'kind', 'email'])
        .where('partnership_id', '=', admin.partnershipId)
        .orderBy('code')
        .execute();
      return c.json({ agencies: rows.map(toAgency) }, 200);
    })
    .openapi(createAgency, async (c) => {
      const admin = currentUser(c);
      const input = c.req.valid('json');
      const row = await withConstraintProblems(
        () =>
          deps.db.kysely
            .insertInto('agency')
            .values({
              id: deps.newId(),
              partnership_id: admin.partnershipId,
              code: input.code,
              name: input.name,
              kind: input.kind,
              email: input.email ?? null,
            })
            .returning(['id', 'code', 'name', 'kind', 'email'])
            .executeTakeFirstOrThrow(),
        { duplicate: `An agency with code ${input.code} already exists.` },
      );
      await audit(deps, c, {
        category: 'admin',
        action: 'agency.create',
        objectType: 'agency',
        objectId: row.id,
        query: { code: row.code },
      });
      return c.json(toAgency(row), 201);
    })
    .openapi(changeAgency, async (c) => {
      const admin = currentUser(c);
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const row = await deps.db.kysely
        .updateTable('agency')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.kind !== undefined ? { kind: input.kind } : {}),
          ...(input.email !== undefined ? { email: input.email } : {}),
        })
        .where('partnership_id', '=', admin.partnershipId)
        .where('id', '=', id)
        .returning(['id', 'code', 'name', 'kind', 'email'])
        .executeTakeFirst();
      if (!row) throw new ProblemError(PROBLEM.notFound, 'No such agency in this partnership.');
      await audit(deps, c, {
        category: 'admin',
        action: 'agency.change',
        objectType: 'agency',
        objectId: id,
      });
      return c.json(toAgency(row), 200);
    })
    .openapi(getSettings, async (c) => {
      const settings = await settingsOf(deps, currentUser(c).partnershipId);
      await audit(deps, c, { category: 'admin', action: 'settings.read' });
      return c.json(settings, 200);
    })
    .openapi(changeSettings, async (c) => {
      const admin = currentUser(c);
      const input = c.req.valid('json');
      await changePartnershipSettings(deps.db, admin.partnershipId, input);
      await audit(deps, c, {
        category: 'admin',
        action: 'settings.change',
        objectType: 'partnership',
        objectId: admin.partnershipId,
        query: input,
      });
      return c.json(await settingsOf(deps, admin.partnershipId), 200);
    })
    .openapi(getMapping, async (c) =>
      c.json(await mappingOf(deps, currentUser(c).partnershipId), 200),
    )
    .openapi(putMapping, async (c) => {
      const admin = currentUser(c);
      const { mappings } = c.req.valid('json');
      await withConstraintProblems(
        () =>
          deps.db.kysely.transaction().execute(async (trx) => {
            await trx
              .deleteFrom('police_uk_mapping')
              .where('partnership_id', '=', admin.partnershipId)
              .execute();
            if (mappings.length === 0) return;
            await trx
              .insertInto('police_uk_mapping')
              .values(
                mappings.map((m) => ({
                  partnership_id: admin.partnershipId,
                  crime_type: m.crimeType,
                  category_code: m.categoryCode,
                })),
              )
              .execute();
          }),
        {
          duplicate: 'Each crime type may appear once.',
          missingReference: {
            pointer: '/body/mappings',
            detail: 'Every categoryCode must be one of the partnership’s categories.',
          },
        },
      );
      await audit(deps, c, {
        category: 'admin',
        action: 'police-uk-mapping.replace',
        objectType: 'partnership',
        objectId: admin.partnershipId,
        query: { count: mappings.length },
      });
      return c.json(await mappingOf(deps, admin.partnershipId), 200);
    });
  for (const taxonomy of TAXONOMIES) app.route('/', taxonomyRoutes(deps, taxonomy));
  return app;
}
