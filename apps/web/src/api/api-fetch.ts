import { ApiProblem, PROBLEM_TYPES, toApiProblem } from './api-problem.ts';

export interface ApiRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  readonly json?: unknown;
  readonly signal?: AbortSignal;
}

/**
 * The one way the web app talks to the API. Same-origin, cookies included; answers that are
 * not 2xx become an ApiProblem (from problem+json when the server sent it). 204 -> undefined.
 */
export async function apiFetch<T>(path: string, request: ApiRequest = {}): Promise<T> {
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
      PROBLEM_TYPES.network,
      'The server could not be reached',
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
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
