import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { problemResponses } from '../http/openapi.ts';
import { ResponseSchemaMismatch, validateResponses } from './response-validator.ts';

const ThingSchema = z.object({ id: z.string(), count: z.number().int() });

/** One route whose handler answers whatever the request's `as` query asks for. */
function appAnswering(answers: Record<string, () => Response>) {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/things/{id}',
      request: { params: z.object({ id: z.string() }) },
      responses: {
        200: { description: 'A thing', content: { 'application/json': { schema: ThingSchema } } },
        // A bodiless response lets the handler's type admit a plain Response.
        204: { description: 'Nothing' },
        ...problemResponses(404),
      },
    }),
    // The handler deliberately breaks its contract: that is what the validator must catch.
    (c) => answers[c.req.query('as') ?? '']?.() ?? new Response(null, { status: 500 }),
  );
  return validateResponses(app);
}

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('validateResponses', () => {
  const app = appAnswering({
    good: () => json({ id: 'a', count: 1 }),
    wrongType: () => json({ id: 'a', count: 'one' }),
    extraField: () => json({ id: 'a', count: 1, secret: 'x' }),
    undeclaredStatus: () => json({ id: 'a', count: 1 }, 201),
    wrongMedia: () => new Response('id,count', { headers: { 'content-type': 'text/csv' } }),
    problem: () =>
      json(
        { type: 'urn:problem:not-found', title: 'Not found', status: 404, limit: 'x' },
        404,
        'application/problem+json',
      ),
    badProblem: () => json({ title: 'Not found' }, 404, 'application/problem+json'),
  });

  it('passes a response that matches the route schema', async () => {
    const res = await app.request('/api/things/a?as=good');
    expect(await res.json()).toEqual({ id: 'a', count: 1 });
  });

  it('passes a problem with extension members (RFC 9457)', async () => {
    expect((await app.request('/api/things/a?as=problem')).status).toBe(404);
  });

  it.each([
    ['wrongType', /count/],
    ['extraField', /does not declare: \/secret/],
    ['undeclaredStatus', /status not declared/],
    ['wrongMedia', /content type text\/csv is not one of application\/json/],
    ['badProblem', /does not match/],
  ])('rejects %s, naming what is wrong', async (as, message) => {
    const answer = app.request(`/api/things/a?as=${as}`);
    await expect(answer).rejects.toBeInstanceOf(ResponseSchemaMismatch);
    await expect(app.request(`/api/things/a?as=${as}`)).rejects.toThrow(message);
  });

  it("wants problem+json even where no route answers (Hono's own 404 is plain text)", async () => {
    await expect(app.request('/api/nothing')).rejects.toThrow(/must be application\/problem\+json/);
  });
});
