import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  ACTION_STATUSES,
  ActionDetailSchema,
  ActionListSchema,
  UuidParamSchema,
} from '@hotspot/contracts';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  ActionCompletionSchema,
  ActionDeclineSchema,
  ActionUpdateSchema,
} from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';
import { markActionNoticesRead } from '../notifications/index.ts';
import { assignAction, assignActionRoute } from './action-assignment.ts';
import { actionDetailFor, actionForUser } from './action-detail.ts';
import { reassignAction, reassignRoute } from './action-reassignment.ts';
import { applyActionStep, type StepChange } from './actions.commands.ts';
import { type ActionListFilter, actionsCsv, listActions } from './actions.queries.ts';

const flag = z.enum(['1', 'true', '0', 'false']).optional();
const isOn = (v: string | undefined) => v === '1' || v === 'true';

/** The list's query as the queries take it (the flags read). */
function actionListFilter(query: z.infer<typeof ActionListQuery>): ActionListFilter {
  return {
    mine: isOn(query.mine),
    status: query.status,
    agencyCode: query.agency,
    hotspotId: query.hotspot,
    overdue: isOn(query.overdue),
  };
}

const ActionListQuery = z.object({
  mine: flag.openapi({
    description: "Only the caller's agency's actions (partners always get only those)",
  }),
  status: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) =>
      (v === undefined ? [] : Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(ACTION_STATUSES)))
    .openapi({ description: 'Statuses; repeat or comma list' }),
  agency: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/)
    .optional()
    .openapi({ description: 'Agency code' }),
  hotspot: z.uuid().optional().openapi({ description: 'Hotspot id' }),
  overdue: flag.openapi({ description: 'Only open actions past their due date' }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/actions',
  summary: "Actions with filters (the chair's board); partners get only their agency's",
  request: { query: ActionListQuery },
  responses: {
    200: {
      description: 'Actions by due date; `today` is the date overdue was computed for',
      content: {
        'application/json': {
          schema: ActionListSchema,
        },
      },
    },
    ...problemResponses(401, 403, 422),
  },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/api/actions/export.csv',
  summary: 'The filtered action board as CSV (cells neutralised against formula injection)',
  request: { query: ActionListQuery },
  responses: {
    200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
    ...problemResponses(401, 403, 422),
  },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/api/actions/{id}',
  summary: "An action with its timeline (404 for another agency's action, for partners)",
  request: { params: UuidParamSchema },
  responses: {
    200: {
      description: 'The action',
      content: { 'application/json': { schema: ActionDetailSchema } },
    },
    ...problemResponses(401, 403, 404, 422),
  },
});

const stepResponses = {
  200: {
    description: 'The action after the step',
    content: { 'application/json': { schema: ActionDetailSchema } },
  },
  ...problemResponses(401, 403, 404, 409, 422),
};

const acknowledgeRoute = createRoute({
  method: 'post',
  path: '/api/actions/{id}/acknowledge',
  summary: "Acknowledge an action assigned to the caller's agency",
  request: { params: UuidParamSchema },
  responses: stepResponses,
});

const updateRoute = createRoute({
  method: 'post',
  path: '/api/actions/{id}/updates',
  summary: 'Add a note to the timeline; the assigned agency may also mark the action in progress',
  request: {
    params: UuidParamSchema,
    ...jsonBody(ActionUpdateSchema),
  },
  responses: { ...stepResponses, 201: stepResponses[200] },
});

const completeRoute = createRoute({
  method: 'post',
  path: '/api/actions/{id}/complete',
  summary: 'Complete an action with its outcome',
  request: {
    params: UuidParamSchema,
    ...jsonBody(ActionCompletionSchema),
  },
  responses: stepResponses,
});

const declineRoute = createRoute({
  method: 'post',
  path: '/api/actions/{id}/decline',
  summary: 'Decline an action, with a reason (the chair and the assigner are notified)',
  request: {
    params: UuidParamSchema,
    ...jsonBody(ActionDeclineSchema),
  },
  responses: stepResponses,
});

/**
 * Applies one step of the workflow: visibility first (a partner of another agency gets a 404 and
 * an audited refusal), then the status check under a row lock, the change, the timeline entry, the
 * notifications, the data version and the audit event.
 */
async function takeStep(deps: AppDeps, c: Context<AppEnv>, id: string, change: StepChange) {
  const user = currentUser(c);
  const seen = await actionForUser(deps, c, user, id);
  const ownAgency = user.role === 'partner' && user.agencyId === seen.agency.id;
  if (change.to !== null && !ownAgency) {
    throw new ProblemError(
      PROBLEM.forbidden,
      "Only the assigned agency changes an action's status.",
    );
  }
  const from = await applyActionStep(deps, user, id, change, seen);
  await audit(deps, c, {
    category: 'alteration',
    action: `action.${change.step}`,
    objectType: 'action',
    objectId: id,
    query: change.to ? { from, to: change.to } : { note: true },
  });
  return actionDetailFor(deps, user, id);
}

export function actionRoutes(deps: AppDeps) {
  return (
    new OpenAPIHono<AppEnv>()
      .openapi(assignActionRoute, async (c) => {
        const user = currentUser(c);
        const { id: hotspotId } = c.req.valid('param');
        const body = c.req.valid('json');
        const { actionId, agencyId } = await assignAction(deps, user, hotspotId, body);
        await audit(deps, c, {
          category: 'alteration',
          action: 'action.create',
          objectType: 'action',
          objectId: actionId,
          query: { hotspotId, agencyId, priority: body.priority, dueOn: body.dueOn },
        });
        return c.json(await actionDetailFor(deps, user, actionId), 201);
      })
      // Registered before /api/actions/{id} so "export.csv" is never read as an id.
      .openapi(exportRoute, async (c) => {
        const user = currentUser(c);
        const query = c.req.valid('query');
        const { csv, rows, today } = await actionsCsv(deps, user, actionListFilter(query));
        await audit(deps, c, {
          category: 'disclosure',
          action: 'action.export',
          query: { ...query, rows },
        });
        return c.body(csv, 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="actions-${today}.csv"`,
        });
      })
      .openapi(listRoute, async (c) => {
        const user = currentUser(c);
        const query = c.req.valid('query');
        const { actions, today } = await listActions(deps, user, actionListFilter(query));
        await audit(deps, c, {
          category: 'consultation',
          action: 'action.list',
          query: { ...query, results: actions.length },
        });
        return c.json({ actions, today }, 200);
      })
      .openapi(detailRoute, async (c) => {
        const user = currentUser(c);
        const { id } = c.req.valid('param');
        await actionForUser(deps, c, user, id);
        const detail = await actionDetailFor(deps, user, id);
        const noticesRead = await markActionNoticesRead(deps, user.id, id);
        await audit(deps, c, {
          category: 'consultation',
          action: 'action.read',
          objectType: 'action',
          objectId: id,
          ...(noticesRead > 0 ? { query: { noticesRead } } : {}),
        });
        return c.json(detail, 200);
      })
      .openapi(reassignRoute, async (c) => {
        const { id } = c.req.valid('param');
        const detail = await reassignAction(deps, c, id, c.req.valid('json'));
        return c.json(detail, 200);
      })
      .openapi(acknowledgeRoute, async (c) => {
        const { id } = c.req.valid('param');
        const user = currentUser(c);
        const now = deps.clock();
        const detail = await takeStep(deps, c, id, {
          step: 'acknowledge',
          to: 'acknowledged',
          note: null,
          fields: { acknowledged_by: user.id, acknowledged_at: now },
        });
        await markActionNoticesRead(deps, user.id, id);
        return c.json(detail, 200);
      })
      .openapi(updateRoute, async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        const detail = await takeStep(deps, c, id, {
          step: body.status ? 'start' : 'note',
          to: body.status ?? null,
          note: body.note,
        });
        return c.json(detail, 201);
      })
      .openapi(completeRoute, async (c) => {
        const { id } = c.req.valid('param');
        const { outcome } = c.req.valid('json');
        const detail = await takeStep(deps, c, id, {
          step: 'complete',
          to: 'completed',
          note: null,
          fields: { outcome, completed_at: deps.clock() },
        });
        return c.json(detail, 200);
      })
      .openapi(declineRoute, async (c) => {
        const { id } = c.req.valid('param');
        const { reason } = c.req.valid('json');
        const detail = await takeStep(deps, c, id, {
          step: 'decline',
          to: 'declined',
          note: null,
          fields: { decline_reason: reason },
        });
        return c.json(detail, 200);
      })
  );
}
