import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { ApprovalDecisionSchema, ApprovalListSchema, UuidParamSchema } from '@hotspot/contracts';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit } from '../audit/index.ts';
import { decideGrant, decisionRefusal, listPendingGrants, mayDecideAsRole } from './role-grants.ts';

const listRoute = createRoute({
  method: 'get',
  path: '/api/approvals',
  summary:
    'Requests for the analyst role waiting for a second person (admins; chairs too where the partnership has one admin)',
  responses: {
    200: {
      description: 'Pending requests this user may decide',
      content: {
        'application/json': {
          schema: ApprovalListSchema,
        },
      },
    },
    ...problemResponses(401, 403),
  },
});

const decisionRoute = (decision: 'approve' | 'refuse') =>
  createRoute({
    method: 'post',
    path: `/api/approvals/{id}/${decision}`,
    summary:
      decision === 'approve'
        ? 'Approve a request for the analyst role (not your own)'
        : 'Refuse a request for the analyst role (the requester may withdraw their own)',
    request: { params: UuidParamSchema },
    responses: {
      200: {
        description: 'Decided',
        content: { 'application/json': { schema: ApprovalDecisionSchema } },
      },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  });

async function decide(
  deps: AppDeps,
  c: Context<AppEnv>,
  id: string,
  outcome: 'approved' | 'refused',
) {
  const user = currentUser(c);
  const action = outcome === 'approved' ? 'user.role-grant.approve' : 'user.role-grant.refuse';
  try {
    if (!(await mayDecideAsRole(deps, user))) {
      throw new ProblemError(
        PROBLEM.forbidden,
        'Chairs decide these requests only where the partnership has a single administrator.',
      );
    }
    const decided = await decideGrant(deps, user, id, outcome);
    await audit(deps, c, {
      category: 'admin',
      action,
      objectType: 'user',
      objectId: decided.userId,
      outcome,
      query: { grantId: id, role: 'analyst', reason: decided.reason },
    });
    return { id, outcome };
  } catch (error) {
    // A refused decision (above all, approving one's own request) is itself worth recording.
    if (error instanceof ProblemError && error.kind === PROBLEM.forbidden) {
      await audit(deps, c, {
        category: 'refusal',
        action,
        objectType: 'role-grant',
        objectId: id,
        outcome: 'refused',
        query: { reason: error.detail ?? null },
      });
    }
    throw error;
  }
}

export function approvalRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(listRoute, async (c) => {
      const user = currentUser(c);
      if (!(await mayDecideAsRole(deps, user)))
        return c.json({ mayDecide: false, approvals: [] }, 200);
      const rows = await listPendingGrants(deps, user.partnershipId);
      await audit(deps, c, {
        category: 'admin',
        action: 'approvals.list',
        query: { pending: rows.length },
      });
      return c.json(
        {
          mayDecide: true,
          approvals: rows.map((r) => ({
            id: r.id,
            user: {
              id: r.user_id,
              email: r.email,
              name: r.display_name,
              currentRole: r.current_role,
              disabled: r.disabled,
              agency: { code: r.agency_code, name: r.agency_name },
            },
            role: r.role,
            reason: r.reason,
            requestedBy:
              r.requested_by && r.requester_name
                ? { id: r.requested_by, name: r.requester_name }
                : null,
            requestedAt: new Date(r.requested_at).toISOString(),
            mayApprove: decisionRefusal(user, r, 'approved') === null,
          })),
        },
        200,
      );
    })
    .openapi(decisionRoute('approve'), async (c) =>
      c.json(await decide(deps, c, c.req.valid('param').id, 'approved'), 200),
    )
    .openapi(decisionRoute('refuse'), async (c) =>
      c.json(await decide(deps, c, c.req.valid('param').id, 'refused'), 200),
    );
}
