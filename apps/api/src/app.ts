import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps, AppEnv } from './deps.ts';
import { approvalRoutes, enrolmentRoutes } from './features/accounts/index.ts';
import { actionRoutes, suggestedActionRoutes } from './features/actions/index.ts';
import { adminRoutes } from './features/admin/index.ts';
import { analysisRoutes, forecastRoutes } from './features/analysis/index.ts';
import { auditRoutes, auditSafetyNet, clientAddress } from './features/audit/index.ts';
import { authRoutes, sessionAccess } from './features/auth/index.ts';
import { batchRoutes, recordRoutes } from './features/batches/index.ts';
import { healthRoutes } from './features/health/index.ts';
import { hotspotRoutes } from './features/hotspots/index.ts';
import { layerRoutes } from './features/layers/index.ts';
import { meetingRoutes } from './features/meetings/index.ts';
import { notificationRoutes } from './features/notifications/index.ts';
import { boundaryAdminRoutes, partnershipRoutes } from './features/partnership/index.ts';
import { viewRoutes } from './features/views/index.ts';
import { accessPolicy } from './http/access-policy.ts';
import { csrfProtection } from './http/csrf.ts';
import { createErrorHandler } from './http/errors.ts';
import { PROBLEM, problemResponse, toFieldErrors, validationDetail } from './http/problem.ts';

const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

function validationHook(
  result: {
    success: boolean;
    target: string;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  },
  c: Context,
) {
  if (result.success || !result.error) return;
  const prefix =
    result.target === 'query'
      ? '/query'
      : result.target === 'param'
        ? '/params'
        : result.target === 'header'
          ? '/header'
          : '/body';
  const errors = toFieldErrors(result.error.issues, prefix);
  // The detail names each field and what is wrong with it; `errors` points at each one.
  return problemResponse(c, PROBLEM.validation, validationDetail(errors), { errors });
}

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/** Builds the whole HTTP app. Wiring only: no I/O happens until a request arrives. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tileOrigin = originOf(deps.env.TILE_URL);

  app.use(requestId({ headerName: 'x-request-id', limitLength: 64 }));
  app.use(async (c, next) => {
    c.set('clientAddress', clientAddress(c, deps.env.TRUST_PROXY_HOPS));
    await next();
  });
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        userId: c.get('user')?.id,
      },
      'request',
    );
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(tileOrigin ? [tileOrigin] : [])],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
      strictTransportSecurity: 'max-age=63072000; includeSubDomains',
      referrerPolicy: 'no-referrer',
      crossOriginEmbedderPolicy: false,
      permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
    }),
  );
  app.use('/api/*', async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  });
  const jsonBodyLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT_BYTES,
    onError: (c) =>
      problemResponse(
        c,
        PROBLEM.tooLarge,
        `Request bodies are limited to ${JSON_BODY_LIMIT_BYTES} bytes.`,
      ),
  });
  // File uploads stream through their own limit (MAX_UPLOAD_BYTES, enforced while reading);
  // this middleware would buffer them. No handler reads the body of a GET or HEAD, so those skip
  // it too: the check builds the full WHATWG Request, which costs more than the rest of a cached
  // layer request.
  app.use('/api/*', (c, next) =>
    BODYLESS_METHODS.has(c.req.method) || (c.req.method === 'POST' && c.req.path === '/api/batches')
      ? next()
      : jsonBodyLimit(c, next),
  );

  // Same-origin check first (sign-in included), then session + ROUTE_POLICY for every API call.
  app.use('/api/*', csrfProtection(deps));
  app.use('/api/*', accessPolicy(deps, sessionAccess(deps)));
  app.use('/api/*', auditSafetyNet(deps));

  app.route('/', healthRoutes(deps));
  app.route('/', partnershipRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', enrolmentRoutes(deps));
  app.route('/', approvalRoutes(deps));
  app.route('/', auditRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.route('/', layerRoutes(deps));
  app.route('/', analysisRoutes(deps));
  app.route('/', forecastRoutes(deps));
  app.route('/', boundaryAdminRoutes(deps));
  app.route('/', batchRoutes(deps));
  app.route('/', recordRoutes(deps));
  app.route('/', hotspotRoutes(deps));
  app.route('/', actionRoutes(deps));
  app.route('/', suggestedActionRoutes(deps));
  app.route('/', notificationRoutes(deps));
  app.route('/', meetingRoutes(deps));
  app.route('/', viewRoutes(deps));

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Partnership hotspot intelligence map API',
      version: '0.1.0',
      description:
        'Errors are RFC 9457 application/problem+json. Non-analyst responses pass disclosure control.',
    },
  });

  serveWebApp(app, deps);

  app.notFound((c) => {
    const path = c.req.path;
    const otherMethods = app.routes
      .filter((r) => r.method !== 'ALL' && r.method !== c.req.method && routeMatches(r.path, path))
      .map((r) => r.method);
    if (otherMethods.length > 0) {
      const allow = [...new Set(otherMethods)].join(', ');
      return problemResponse(
        c,
        PROBLEM.methodNotAllowed,
        `${c.req.method} is not allowed here; use ${allow}.`,
        {},
        { allow },
      );
    }
    return problemResponse(c, PROBLEM.notFound, `No resource at ${path}.`);
  });
  app.onError(createErrorHandler(deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;

function serveWebApp(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  const dist = resolve(deps.env.WEB_DIST ?? join(import.meta.dirname, '..', '..', 'web', 'dist'));
  const indexPath = join(dist, 'index.html');
  if (!existsSync(indexPath)) return;
  const indexHtml = readFileSync(indexPath, 'utf8');
  app.use('/assets/*', serveStatic({ root: dist }), async (c, next) => {
    await next();
    if (c.res.ok) c.res.headers.set('cache-control', 'public, max-age=31536000, immutable');
  });
  app.get('/*', async (c, next) => {
    if (c.req.path.startsWith('/api/')) return next();
    const file = serveStatic({ root: dist });
    const direct = await file(c, async () => undefined);
    if (direct) return direct;
    return c.html(indexHtml, 200, { 'cache-control': 'no-cache' });
  });
}

function routeMatches(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === '/*') return false;
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\/:[^/]+/g, '/[^/]+')
      .replace(/\*/g, '.*')}$`,
  );
  return regex.test(path);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url.replace(/\{[a-z]\}/g, '0')).origin;
  } catch {
    return undefined;
  }
}
