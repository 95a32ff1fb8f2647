import { CLIENT_PROBLEM } from '@hotspot/contracts/problem';
import type { z } from 'zod';
import { ApiProblem, toApiProblem } from './api-problem.ts';

export interface ApiRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  readonly json?: unknown;
  readonly signal?: AbortSignal;
}

/**
 * The one way the web app talks to the API. Same-origin, cookies included; answers that are
 * not 2xx become an ApiProblem (from problem+json when the server sent it). A 2xx answer is
 * parsed with `schema`, the route's response schema from @hotspot/contracts (NoContentSchema
 * for a 204), so the rest of the app can trust its type; an answer of another shape becomes an
 * ApiProblem of type unexpected-response naming the fields that differ.
 * Example: `apiFetch('/api/hotspots', HotspotListSchema, { signal })`.
 */
export async function apiFetch<S extends z.ZodType>(
  path: string,
  schema: S,
  request: ApiRequest = {},
): Promise<z.output<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.json !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: request.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem(
      CLIENT_PROBLEM.network.type,
      CLIENT_PROBLEM.network.title,
      0,
      'Check the connection and try again.',
      undefined,
      [],
    );
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw toApiProblem(body, response.status);
  }
  const body: unknown = response.status === 204 ? undefined : await response.json();
  return parseAnswer(path, response.status, schema, body);
}

/**
 * A 2xx answer's body parsed with its route's schema, or an ApiProblem of type
 * unexpected-response (for answers that do not come through apiFetch: the upload's XHR).
 */
export function parseAnswer<S extends z.ZodType>(
  path: string,
  status: number,
  schema: S,
  body: unknown,
): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw unexpectedShape(path, status, parsed.error);
  return parsed.data;
}

/** Names where the answer differs from its schema (paths only: never the values, which may be data). */
function unexpectedShape(path: string, status: number, error: z.ZodError): ApiProblem {
  const where = error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? issue.path.join('.') : 'the body'))
    .join(', ');
  return new ApiProblem(
    CLIENT_PROBLEM.unexpectedResponse.type,
    CLIENT_PROBLEM.unexpectedResponse.title,
    status,
    `The answer to ${path.split('?')[0]} does not have the expected shape (${where}). Reload the page; if it happens again, tell your administrator.`,
    undefined,
    [],
  );
}
