import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  EnrolmentCompleteSchema,
  EnrolmentDoneSchema,
  EnrolmentFormSchema,
  EnrolmentStartSchema,
} from '@hotspot/contracts';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { audit } from '../audit/index.ts';
import { completeEnrolment, openEnrolment } from './accounts.commands.ts';
import { redeemableEnrolment } from './enrolment.ts';

const startRoute = createRoute({
  method: 'post',
  path: '/api/enrolment/start',
  summary:
    'Open an enrolment link (public): who it is for, and a new authenticator secret when a second factor is required',
  description:
    'The one-time code travels in the body, never in a URL. An unknown, used or expired code gives 422 at /body/token.',
  request: jsonBody(EnrolmentStartSchema),
  responses: {
    200: {
      description: 'The enrolment form',
      content: { 'application/json': { schema: EnrolmentFormSchema } },
    },
    ...problemResponses(400, 403, 422),
  },
});

const completeRoute = createRoute({
  method: 'post',
  path: '/api/enrolment/complete',
  summary:
    'Redeem an enrolment link (public): set your own password and second factor; the link then stops working',
  request: jsonBody(EnrolmentCompleteSchema),
  responses: {
    200: {
      description: 'Enrolled: sign in with the new password',
      content: { 'application/json': { schema: EnrolmentDoneSchema } },
    },
    ...problemResponses(400, 403, 422),
  },
});

/** The link's user; an unknown, used or expired code is audited (someone may be guessing). */
async function enrolmentFor(
  deps: AppDeps,
  c: Context<AppEnv>,
  token: string,
  action: 'enrolment.open' | 'enrolment',
) {
  try {
    return await redeemableEnrolment(deps, token);
  } catch (error) {
    await audit(deps, c, {
      partnershipId: null,
      category: 'authentication',
      action,
      outcome: 'invalid-link',
    });
    throw error;
  }
}

/**
 * Enrolment needs no session: the one-time code is the credential. It never starts a session
 * either; the user signs in afterwards like anyone else, so a disabled account (an analyst
 * awaiting approval) enrols but cannot sign in until approved.
 */
export function enrolmentRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(startRoute, async (c) => {
      const { token } = c.req.valid('json');
      const user = await enrolmentFor(deps, c, token, 'enrolment.open');
      const form = await openEnrolment(deps, user);
      await audit(deps, c, {
        partnershipId: user.partnership_id,
        actor: { userId: user.user_id, partnershipId: user.partnership_id },
        category: 'authentication',
        action: 'enrolment.open',
        objectType: 'user',
        objectId: user.user_id,
        query: { secondFactor: form.secondFactor !== null },
      });
      return c.json(form, 200);
    })
    .openapi(completeRoute, async (c) => {
      const body = c.req.valid('json');
      const user = await enrolmentFor(deps, c, body.token, 'enrolment');
      const done = await completeEnrolment(deps, user, body);
      await audit(deps, c, {
        partnershipId: user.partnership_id,
        actor: { userId: user.user_id, partnershipId: user.partnership_id },
        category: 'authentication',
        action: 'enrolment',
        objectType: 'user',
        objectId: user.user_id,
        query: { secondFactor: done.settingUpFactor, awaitingApproval: done.awaitingApproval },
      });
      return c.json(
        {
          email: user.email,
          recoveryCodes: done.recoveryCodes,
          awaitingApproval: done.awaitingApproval,
        },
        200,
      );
    });
}
