import type { TestServer } from './test-server.ts';

/** What `apiSession` resolves to: `await call<T>(method, path, json?)`, throwing on a non-2xx. */
export type ApiSession = Awaited<ReturnType<typeof apiSession>>;

/**
 * A same-origin API client signed in as `email`, for arranging data as another user in a
 * browser test: `const chair = await apiSession(server, email, password); await chair('GET', '/api/…')`.
 */
export async function apiSession(server: TestServer, email: string, password: string) {
  const headers = { origin: server.url, 'content-type': 'application/json' };
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  return async <T>(method: string, path: string, json?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headers, cookie },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}
