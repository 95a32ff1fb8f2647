import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  HOTSPOT_STATUSES,
  HotspotDetailSchema,
  HotspotEvaluationSchema,
  HotspotIdParamSchema,
  HotspotListSchema,
  type HotspotStatus,
} from '@hotspot/contracts';
import { lngLatToBng } from '@hotspot/ingest';
import { sql } from 'kysely';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { HotspotChangeSchema, NewHotspotSchema } from '../../http/request-schemas.ts';
import { isoDay, selectActions, toActionSummary } from '../actions/action-queries.ts';
import { countRecords, resolveFilters } from '../analysis/record-query.ts';
import { audit } from '../audit/audit.ts';
import { type DisclosedCount, receivesRecordLevel, toWgs84 } from '../disclosure/disclosure.ts';
import { monthsEnding } from '../disclosure/published-request.ts';
import { publishedHotspotFigures } from '../layers/layer-builders.ts';
import { bumpDataVersion } from '../partnership/data-version.ts';
import { loadPartnershipState } from '../partnership/partnership-state.ts';
import { DEFAULT_BUFFER_METERS, evaluateHotspot, evaluatePublished } from './evaluation.ts';
import { computeHotspot } from './hotspot-area.ts';
import {
  HOTSPOT_TRANSITIONS,
  isAllowedTransition,
  recordHotspotStatusChange,
} from './hotspot-lifecycle.ts';
import {
  type HotspotRow,
  hotspotForUser,
  notFound,
  selectHotspots,
  toHotspotSummary,
} from './hotspot-queries.ts';

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

type Polygonal =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

function toBng(area: Polygonal): Polygonal {
  const ring = (r: number[][]) => r.map(([lng, lat]) => lngLatToBng(lng!, lat!));
  return area.type === 'Polygon'
    ? { type: 'Polygon', coordinates: area.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: area.coordinates.map((p) => p.map(ring)) };
}

/**
 * The hotspot as this user may see it: analysts the outline as drawn and the count of every
 * record; everyone else the union of the finest published lattice's cells the outline touches and
 * the published value of that union (DESIGN.md section 5, version 2), no snapshot.
 */
async function hotspotDetail(deps: AppDeps, user: SessionUser, row: HotspotRow) {
  const today = isoDay(deps.clock());
  const analyst = receivesRecordLevel(user);
  const state = await loadPartnershipState(deps.db, user.partnershipId);
  const bng = toBng(JSON.parse(row.areaGeoJson) as Polygonal);
  let area: { type: 'Feature'; geometry: unknown; properties: object } | null;
  let reports: DisclosedCount;
  if (analyst) {
    area = { type: 'Feature', geometry: toWgs84(bng), properties: {} };
    const count = await countRecords(deps.db, {
      partnershipId: user.partnershipId,
      filters: resolveFilters(
        {
          from: row.periodFrom ?? undefined,
          to: row.periodTo ?? undefined,
          category: [],
          placeType: [],
          sourceAgency: [],
          sourceGrade: [],
          intelligenceGrade: [],
          handlingCode: [],
        },
        deps.clock(),
      ),
      includeHandlingC: true,
      withinGeoJson: row.areaGeoJson,
    });
    reports = { count };
  } else {
    // From the published table: the finest lattice's cells the area touches, over the whole
    // months that hold the hotspot's period (the 12 months to today when it has none).
    const months = monthsEnding(row.periodTo ?? today);
    const published = row.periodFrom
      ? { ...months, months: { ...months.months, from: `${row.periodFrom.slice(0, 7)}-01` } }
      : months;
    const figures = await publishedHotspotFigures(deps, state, bng, published);
    area = figures.geometry
      ? { type: 'Feature', geometry: toWgs84(figures.geometry), properties: {} }
      : null;
    reports =
      figures.reports === null
        ? { suppressed: true, fewerThan: state.k }
        : { count: figures.reports };
  }
  const history = await deps.db.kysely
    .selectFrom('hotspot_status_change as s')
    .innerJoin('app_user as u', 'u.id', 's.changed_by')
    .select(['s.from_status', 's.to_status', 'u.display_name', 's.changed_at', 's.reason'])
    .where('s.hotspot_id', '=', row.id)
    .orderBy('s.changed_at')
    .orderBy('s.id')
    .execute();
  const actions = await selectActions(
    deps.db,
    {
      partnershipId: user.partnershipId,
      hotspotId: row.id,
      agencyId: user.role === 'partner' ? user.agencyId : undefined,
    },
    today,
  );
  const mayChange = user.role === 'analyst' || user.role === 'chair';
  return {
    ...toHotspotSummary(row, today),
    area,
    reports,
    // Scanning and analysis describe the intelligence; partners and viewers get the objective,
    // the response and its assessment, which is what they act on.
    osara: mayChange
      ? {
          objective: row.objective,
          scanning: row.scanning,
          analysis: row.analysis,
          response: row.response,
          assessment: row.assessment,
        }
      : { objective: row.objective, response: row.response, assessment: row.assessment },
    statusHistory: history.map((h) => ({
      from: h.from_status as HotspotStatus | null,
      to: h.to_status as HotspotStatus,
      by: h.display_name,
      at: new Date(h.changed_at).toISOString(),
      reason: h.reason,
    })),
    allowedTransitions: mayChange ? [...HOTSPOT_TRANSITIONS[row.status]] : [],
    actions: actions.map(toActionSummary),
    createdBy: row.createdBy,
    ...(analyst
      ? { parameters: row.parameters, stats: row.stats }
      : {
          disclosure: {
            method: 'published table (cell key)',
            suppressionK: state.k,
            perturbationBound: state.perturbation.bound,
            // Omitted (as JSON would drop undefined) when the partnership has no hex sizes.
            ...(state.hexSizes[0] === undefined
              ? {}
              : { generalisedToHexMeters: state.hexSizes[0] }),
            handlingCodeC: 'excluded',
          },
        }),
  };
}

async function oneHotspot(
  deps: AppDeps,
  partnershipId: string,
  id: string,
  today: string,
): Promise<HotspotRow> {
  const [row] = await selectHotspots(deps, { partnershipId, id }, today);
  if (!row) throw notFound('hotspot');
  return row;
}

export function hotspotRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(createHotspotRoute, async (c) => {
      const user = currentUser(c);
      const body = c.req.valid('json');
      const computed = await computeHotspot(deps, user, body);
      const id = deps.newId();
      const now = deps.clock();
      await deps.db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('hotspot')
          .values({
            id,
            partnership_id: user.partnershipId,
            name: body.name,
            area: sql<string>`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${computed.areaGeoJson}::text), 4326))`,
            method: computed.method,
            parameters: sql<string>`cast(${JSON.stringify(computed.parameters)}::text as jsonb)`,
            period_from: computed.periodFrom,
            period_to: computed.periodTo,
            stats: sql<string>`cast(${JSON.stringify(computed.stats)}::text as jsonb)`,
            status: 'proposed',
            created_by: user.id,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await recordHotspotStatusChange(trx, {
          id: deps.newId(),
          partnershipId: user.partnershipId,
          hotspotId: id,
          from: null,
          to: 'proposed',
          by: user.id,
          now,
          reason: 'Proposed',
        });
        await bumpDataVersion(trx, user.partnershipId);
      });
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
      const now = deps.clock();
      const today = isoDay(now);
      const result = await deps.db.kysely.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('hotspot')
          .select(['status', 'response_started_on'])
          .where('id', '=', id)
          .where('partnership_id', '=', user.partnershipId)
          .forUpdate()
          .executeTakeFirst();
        if (!current) throw notFound('hotspot');
        const from = current.status as HotspotStatus;
        const to = change.status;
        const statusChanges = to !== undefined && to !== from;
        if (statusChanges && !isAllowedTransition(from, to)) {
          throw new ProblemError(
            PROBLEM.conflict,
            `A ${from} hotspot cannot become ${to}; it can become ${HOTSPOT_TRANSITIONS[from].join(' or ')}.`,
            { code: 'invalid-transition', allowed: HOTSPOT_TRANSITIONS[from] },
          );
        }
        const fields = {
          ...(change.name !== undefined ? { name: change.name } : {}),
          ...(statusChanges ? { status: to } : {}),
          ...(change.risk !== undefined ? { risk: change.risk } : {}),
          ...(change.reviewOn !== undefined ? { review_on: change.reviewOn } : {}),
          ...(change.responseStartedOn !== undefined
            ? { response_started_on: change.responseStartedOn }
            : {}),
          // The response starts when the hotspot is first tasked, unless someone said otherwise.
          ...(statusChanges &&
          to === 'tasked' &&
          current.response_started_on === null &&
          change.responseStartedOn === undefined
            ? { response_started_on: today }
            : {}),
          ...(change.objective !== undefined ? { objective: change.objective } : {}),
          ...(change.scanning !== undefined ? { scanning: change.scanning } : {}),
          ...(change.analysis !== undefined ? { analysis: change.analysis } : {}),
          ...(change.response !== undefined ? { response: change.response } : {}),
          ...(change.assessment !== undefined ? { assessment: change.assessment } : {}),
        };
        await trx
          .updateTable('hotspot')
          .set({ ...fields, updated_at: now })
          .where('id', '=', id)
          .execute();
        if (statusChanges) {
          await recordHotspotStatusChange(trx, {
            id: deps.newId(),
            partnershipId: user.partnershipId,
            hotspotId: id,
            from,
            to,
            by: user.id,
            now,
            reason: change.reason ?? null,
          });
        }
        await bumpDataVersion(trx, user.partnershipId);
        return { from, to: statusChanges ? to : null, fields: Object.keys(fields) };
      });
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
