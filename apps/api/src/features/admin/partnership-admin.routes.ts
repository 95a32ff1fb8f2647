import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  AgencyChangeSchema,
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
import { audit } from '../audit/index.ts';
import {
  changeAgency,
  changePartnershipSettings,
  changeTaxonomyItem,
  createAgency,
  createTaxonomyItem,
  replacePoliceUkMapping,
} from './admin.commands.ts';
import {
  agencies,
  partnershipSettings,
  policeUkMapping,
  TAXONOMIES,
  type Taxonomy,
  taxonomyItems,
} from './admin.queries.ts';

// ---- agencies ---------------------------------------------------------------------------

const listAgenciesRoute = createRoute({
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
const createAgencyRoute = createRoute({
  method: 'post',
  path: '/api/admin/agencies',
  summary: 'Add an agency (admin)',
  request: jsonBody(NewAgencySchema),
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: AgencySchema } } },
    ...problemResponses(400, 401, 403, 409, 422),
  },
});
const changeAgencyRoute = createRoute({
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

function taxonomyRoutes(deps: AppDeps, taxonomy: Taxonomy) {
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
  return new OpenAPIHono<AppEnv>()
    .openapi(list, async (c) => {
      const admin = currentUser(c);
      return c.json({ items: await taxonomyItems(deps.db, table, admin.partnershipId) }, 200);
    })
    .openapi(create, async (c) => {
      const admin = currentUser(c);
      const input = c.req.valid('json');
      const item = await createTaxonomyItem(deps.db, taxonomy, admin.partnershipId, input);
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
      const item = await changeTaxonomyItem(deps.db, taxonomy, admin.partnershipId, code, input);
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
    .openapi(listAgenciesRoute, async (c) => {
      const admin = currentUser(c);
      return c.json({ agencies: await agencies(deps.db, admin.partnershipId) }, 200);
    })
    .openapi(createAgencyRoute, async (c) => {
      const admin = currentUser(c);
      const input = c.req.valid('json');
      const agency = await createAgency(deps, admin.partnershipId, input);
      await audit(deps, c, {
        category: 'admin',
        action: 'agency.create',
        objectType: 'agency',
        objectId: agency.id,
        query: { code: agency.code },
      });
      return c.json(agency, 201);
    })
    .openapi(changeAgencyRoute, async (c) => {
      const admin = currentUser(c);
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const agency = await changeAgency(deps.db, admin.partnershipId, id, input);
      await audit(deps, c, {
        category: 'admin',
        action: 'agency.change',
        objectType: 'agency',
        objectId: id,
      });
      return c.json(agency, 200);
    })
    .openapi(getSettings, async (c) => {
      const settings = await partnershipSettings(deps.db, currentUser(c).partnershipId);
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
      return c.json(await partnershipSettings(deps.db, admin.partnershipId), 200);
    })
    .openapi(getMapping, async (c) =>
      c.json(await policeUkMapping(deps.db, currentUser(c).partnershipId), 200),
    )
    .openapi(putMapping, async (c) => {
      const admin = currentUser(c);
      const { mappings } = c.req.valid('json');
      await replacePoliceUkMapping(deps.db, admin.partnershipId, mappings);
      await audit(deps, c, {
        category: 'admin',
        action: 'police-uk-mapping.replace',
        objectType: 'partnership',
        objectId: admin.partnershipId,
        query: { count: mappings.length },
      });
      return c.json(await policeUkMapping(deps.db, admin.partnershipId), 200);
    });
  for (const taxonomy of TAXONOMIES) app.route('/', taxonomyRoutes(deps, taxonomy));
  return app;
}
