import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../deps.ts';
import { PROBLEM, problemResponse } from './problem.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// A server listening on a loopback or wildcard address is reached by these names on its machine.
const LOCAL_HOSTS = new Set(['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost']);
const LOCAL_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The origins a page of this application can have, from configuration only: PUBLIC_ORIGIN, and
 * http://HOST:PORT where the process listens. `listeningPort` is the port the connection arrived
 * on (the server's own socket, so it is right with PORT=0); never the request's Host header,
 * which the client writes.
 */
export function expectedOrigins(
  env: Pick<AppDeps['env'], 'PUBLIC_ORIGIN' | 'HOST' | 'PORT'>,
  listeningPort?: number,
): Set<string> {
  const port = listeningPort ?? env.PORT;
  const hosts = LOCAL_HOSTS.has(env.HOST)
    ? LOCAL_NAMES
    : [env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST];
  const origins = new Set(hosts.map((h) => new URL(`http://${h}:${port}`).origin));
  if (env.PUBLIC_ORIGIN) origins.add(new URL(env.PUBLIC_ORIGIN).origin);
  return origins;
}

function listeningPort(env: unknown): number | undefined {
  const port = (env as { incoming?: { socket?: { localPort?: number } } } | undefined)?.incoming
    ?.socket?.localPort;
  return typeof port === 'number' && port > 0 ? port : undefined;
}

/**
 * Refuses state-changing requests that a browser did not send from our own origin. SameSite
 * cookies already stop most cross-site requests; this also covers same-site subdomains and
 * old browsers. Browsers always send Origin on cross-origin POSTs, and Sec-Fetch-Site on all
 * modern ones; a request carrying neither did not come from a browser page (curl, the CLI)
 * and is refused too, so a session cookie can never be ridden without one of them.
 */
export function csrfProtection(deps: Pick<AppDeps, 'env'>): MiddlewareHandler<AppEnv> {
  const configured = expectedOrigins(deps.env);
  return async (c, next) => {
    if (!STATE_CHANGING.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    const port = listeningPort(c.env);
    const allowed =
      origin !== undefined
        ? (port === undefined ? configured : expectedOrigins(deps.env, port)).has(origin)
        : c.req.header('sec-fetch-site') === 'same-origin';
    if (!allowed) {
      return problemResponse(
        c,
        PROBLEM.csrf,
        'State-changing requests must come from this application’s own pages.',
      );
    }
    return next();
  };
}
