import { NoContentSchema } from '@hotspot/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiFetch } from './api-fetch.ts';
import { ApiProblem, isUnauthenticated, PROBLEM_TYPES, toApiProblem } from './api-problem.ts';

function respondWith(response: Response) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => response),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('apiFetch', () => {
  const Ok = z.object({ ok: z.boolean() });

  it('returns the JSON body of a 2xx parsed by its schema and undefined for a 204', async () => {
    respondWith(Response.json({ ok: true, extra: 'dropped' }));
    expect(await apiFetch('/api/x', Ok)).toEqual({ ok: true });
    respondWith(new Response(null, { status: 204 }));
    expect(await apiFetch('/api/x', NoContentSchema, { method: 'POST' })).toBeUndefined();
  });

  it('turns an answer of another shape into an unexpected-response problem naming the field', async () => {
    respondWith(Response.json({ ok: 'yes', secret: 'record text' }));
    const error = (await apiFetch('/api/x?from=2024-01-01', Ok).catch(
      (e: unknown) => e,
    )) as ApiProblem;
    expect(error).toBeInstanceOf(ApiProblem);
    expect(error.type).toBe(PROBLEM_TYPES.unexpectedResponse);
    expect(error.status).toBe(200);
    expect(error.userMessage).toContain('/api/x does not have the expected shape (ok)');
    // Never the values: an answer may hold data the message must not repeat.
    expect(error.userMessage).not.toContain('yes');
    expect(error.userMessage).not.toContain('2024-01-01');
  });

  it('sends JSON bodies same-origin with the right content type', async () => {
    const fetchMock = vi.fn(async () => Response.json({}));
    vi.stubGlobal('fetch', fetchMock);
    await apiFetch('/api/auth/login', z.object({}), {
      method: 'POST',
      json: { email: 'a@b.c' },
    });
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/auth/login',
      expect.objectContaining({
        method: 'POST',
        credentials: 'same-origin',
        body: '{"email":"a@b.c"}',
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
      }),
    );
  });

  it('turns problem+json into a typed ApiProblem, field errors included', async () => {
    respondWith(
      new Response(
        JSON.stringify({
          type: 'urn:problem:validation',
          title: 'The request is not valid',
          status: 422,
          detail: 'The body is not valid.',
          instance: 'urn:request:abc',
          errors: [{ pointer: '/body/suppressionK', detail: 'Too small: expected >= 2' }],
        }),
        { status: 422, headers: { 'content-type': 'application/problem+json' } },
      ),
    );
    const error = await apiFetch('/api/admin/settings', Ok).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    const problem = error as ApiProblem;
    expect(problem.type).toBe(PROBLEM_TYPES.validation);
    expect(problem.status).toBe(422);
    expect(problem.instance).toBe('urn:request:abc');
    expect(problem.fieldError('suppressionK')).toBe('Too small: expected >= 2');
    expect(problem.userMessage).toBe('The body is not valid.');
  });

  it('recognises a 401 by its type', async () => {
    respondWith(
      new Response(
        JSON.stringify({ type: 'urn:problem:unauthenticated', title: 'x', status: 401 }),
        {
          status: 401,
        },
      ),
    );
    expect(isUnauthenticated(await apiFetch('/api/auth/me', Ok).catch((e: unknown) => e))).toBe(
      true,
    );
  });

  it('copes with a proxy answering HTML and with no network at all', async () => {
    respondWith(new Response('<html>Bad gateway</html>', { status: 502 }));
    const gateway = (await apiFetch('/api/x', Ok).catch((e: unknown) => e)) as ApiProblem;
    expect(gateway.type).toBe(PROBLEM_TYPES.unexpectedResponse);
    expect(gateway.status).toBe(502);

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const offline = (await apiFetch('/api/x', Ok).catch((e: unknown) => e)) as ApiProblem;
    expect(offline.type).toBe(PROBLEM_TYPES.network);
  });
});

describe('toApiProblem', () => {
  it('ignores malformed field errors', () => {
    const problem = toApiProblem(
      { type: 'urn:problem:validation', errors: [{ pointer: 1 }, 'x'] },
      422,
    );
    expect(problem.errors).toEqual([]);
    expect(problem.title).toBe('The server answered 422');
  });
});
