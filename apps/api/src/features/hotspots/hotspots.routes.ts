import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  HOTSPOT_STATUSES,
  HotspotDetailSchema,
  HotspotEvaluationSchema,
  HotspotIdParamSchema,
  HotspotListSchema,
} from '@hotspot/contracts';
import { isoDay } from '../../dates.ts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { HotspotChangeSchema, NewHotspotSchema } from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';
import { receivesRecordLevel } from '../disclosure/index.ts';
import { loadPartnershipState } from '../partnership/index.ts';
import { DEFAULT_BUFFER_METERS, evaluateHotspot, evaluatePublished } from './evaluation.ts';
import { changeHotspot, createHotspot } from './hotspots.commands.ts';
import {
  hotspotDetail,
  hotspotForUser,
  oneHotspot,
  selectHotspots,
  toHotspotSummary,
} from './hotspots.queries.ts';

const statusList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    (v === undefined ? [] : Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(HOTSPOT_STATUSES)))
  .openapi({ description: 'Hotspot statuses; repeat or comma list' });

const createHotspotRoute = createRoute({
  method: 'post',
  path: '/api/hotspots',
  summary:
    'Propose a hotspot from a DBSCAN cluster (analysts), hexagon cells or a drawn polygon; the area and a statistics snapshot are computed here',
  request: jsonBody(NewHotspotSchema),
  responses: {
    201: {
      description: 'Proposed',
      content: { 'application/json': { schema: HotspotDetailSchema } },
    },
    ...problemResponses(401, 403, 422),
  },
});

const listHotspotsRoute = createRoute({
  method: 'get',
  path: '/api/hotspots',
  summary:
    'Hotspots (partners: those with an action of their agency); no geometry, see /api/layers/hotspots',
  request: {
    query: z.object({
      status: statusList,
      reviewDue: z
        .enum(['1', 'true', '0', 'false'])
        .optional()
        .openapi({ description: 'Only those due for review' }),
    }),
  },
  responses: {
    200: {
      description: 'Hotspots, most recently changed first',
      content: {
        'application/json': { schema: HotspotListSchema },
      },
    },
    ...problemResponses(401, 403, 422),
  },
});

const getHotspotRoute = createRoute({
  method: 'get',
  path: '/api/hotspots/{id}',
  summary:
    'A hotspot with its outline, history, OSARA record and actions (disclosure-controlled for non-analysts)',
  request: { params: HotspotIdParamSchema },
  responses: {
    200: {
      description: 'The hotspot',
      content: { 'application/json': { schema: HotspotDetailSchema } },
    },
    ...problemResponses(401, 403, 404, 422),
  },
});

const changeHotspotRoute = createRoute({
  method: 'patch',
  path: '/api/hotspots/{id}',
  summary:
    'Rename, change status (with a reason), risk, review date, response start or the OSARA record',
  request: { params: HotspotIdParamSchema, ...jsonBody(HotspotChangeSchema) },
  responses: {
    200: {
      description: 'Changed',
      content: { 'application/json': { schema: HotspotDetailSchema } },
    },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

const evaluationRoute = createRoute({
  method: 'get',
  path: '/api/hotspots/{id}/evaluation',
  summary:
    'Outcome evaluation: reports in the hotspot, a buffer ring and the rest of the area, before and after the response began, with the Weighted Displacement Quotient',
  request: {
    params: HotspotIdParamSchema,
    query: z.object({
      bufferMeters: z.coerce
        .number()
        .min(25)
        .max(2000)
        .optional()
        .openapi({ description: `Buffer ring width, metres; default ${DEFAULT_BUFFER_METERS}` }),
      date: z.iso
        .date()
        .optional()
        .openapi({ description: "When the response began; default the hotspot's response start" }),
      periodDays: z.coerce
        .number()
        .int()
        .min(7)
        .max(730)
        .optional()
        .openapi({ description: 'Length of each period; default up to 365 days' }),
    }),
  },
  responses: {
    200: {
      description: 'Counts (disclosed for non-analysts) and the WDQ',
      content: {
        'application/json': {
          schema: HotspotEvaluationSchema,
        },
      },
    },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

export function hotspotRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(createHotspotRoute, async (c) => {
      const user = currentUser(c);
      const body = c.req.valid('json');
      const { id, now, computed } = await createHotspot(deps, user, body);
      await audit(deps, c, {
        category: 'alteration',
        action: 'hotspot.create',
        objectType: 'hotspot',
        objectId: id,
        // Parameters only: never member record ids or the drawn coordinates.
        query: {
          source: body.source,
          periodFrom: computed.periodFrom,
          periodTo: computed.periodTo,
          ...(body.source === 'dbscan'
            ? {
                ...body.parameters,
                clusterId: body.clusterId ?? null,
                members: body.memberRecordIds?.length ?? null,
              }
            : body.source === 'gistar'
              ? { sizeMeters: body.sizeMeters, cells: body.cellIds.length }
              : {}),
        },
      });
      const row = await oneHotspot(deps, user.partnershipId, id, isoDay(now));
      return c.json(await hotspotDetail(deps, user, row), 201);
    })
    .openapi(listHotspotsRoute, async (c) => {
      const user = currentUser(c);
      const query = c.req.valid('query');
      const today = isoDay(deps.clock());
      const reviewDue = query.reviewDue === '1' || query.reviewDue === 'true';
      const rows = await selectHotspots(
        deps,
        {
          partnershipId: user.partnershipId,
          agencyId: user.role === 'partner' ? user.agencyId : undefined,
          status: query.status,
          reviewDue,
        },
        today,
      );
      await audit(deps, c, {
        category: 'consultation',
        action: 'hotspot.list',
        query: { status: query.status, reviewDue, results: rows.length },
      });
      return c.json({ hotspots: rows.map((h) => toHotspotSummary(h, today)) }, 200);
    })
    .openapi(getHotspotRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const row = await hotspotForUser(deps, c, user, id, isoDay(deps.clock()));
      const detail = await hotspotDetail(deps, user, row);
      await audit(deps, c, {
        category: receivesRecordLevel(user) ? 'consultation' : 'disclosure',
        action: 'hotspot.read',
        objectType: 'hotspot',
        objectId: id,
      });
      return c.json(detail, 200);
    })
    .openapi(changeHotspotRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const change = c.req.valid('json');
      const { today, ...result } = await changeHotspot(deps, user, id, change);
      await audit(deps, c, {
        category: 'alteration',
        action: result.to ? 'hotspot.status' : 'hotspot.update',
        objectType: 'hotspot',
        objectId: id,
        // Field names and statuses only: the OSARA text and reasons stay out of the audit trail.
        query: {
          fields: result.fields,
          ...(result.to ? { from: result.from, to: result.to } : {}),
        },
      });
      const row = await oneHotspot(deps, user.partnershipId, id, today);
      return c.json(await hotspotDetail(deps, user, row), 200);
    })
    .openapi(evaluationRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      const row = await hotspotForUser(deps, c, user, id, isoDay(deps.clock()));
      const state = await loadPartnershipState(deps.db, user.partnershipId);
      const evaluation = receivesRecordLevel(user)
        ? await evaluateHotspot(deps, user, row, query)
        : await evaluatePublished(deps, state, row, query);
      await audit(deps, c, {
        category: receivesRecordLevel(user) ? 'consultation' : 'disclosure',
        action: 'hotspot.evaluation',
        objectType: 'hotspot',
        objectId: id,
        query: evaluation.parameters,
      });
      return c.json(evaluation, 200);
    });
}
