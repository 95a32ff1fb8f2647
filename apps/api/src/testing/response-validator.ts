import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { ProblemSchema } from '@hotspot/contracts';
import type { ZodType } from 'zod';

/**
 * Test mode: every response the app gives to an `/api/` request is checked against the
 * OpenAPI definition of the route that answered it (the same zod schemas `/api/openapi.json`
 * is generated from), and a mismatch throws, so `await app.request(...)` rejects and the test
 * fails with the route, the status and the zod issues. Checked:
 * - the status is declared for the route, or it is a cross-cutting problem status that
 *   middleware gives any route (sign-in, access policy, CSRF, body limit, rate limit, errors);
 * - the content type is one the route declares for that status;
 * - a JSON body (`application/json`, `*+json`) parses with the declared schema. Unknown keys
 *   are reported too: a field the schema does not declare is one the web cannot rely on.
 * Requests outside `/api/` (the web app's files) and the OpenAPI document itself are not checked.
 */
export function validateResponses<A extends ValidatableApp>(app: A): A {
  const routes = declaredRoutes(app);
  const target: ValidatableApp = app;
  const fetch = target.fetch;
  target.fetch = async (request, ...rest) => {
    const response = await fetch(request, ...rest);
    const mismatch = await checkResponse(routes, request, response.clone());
    if (mismatch) throw new ResponseSchemaMismatch(mismatch);
    return response;
  };
  return app;
}

/** The two members of an OpenAPIHono app this needs, whatever its env type. */
interface ValidatableApp {
  fetch: (request: Request, ...rest: never[]) => Response | Promise<Response>;
  readonly openAPIRegistry: OpenAPIHono['openAPIRegistry'];
}

export class ResponseSchemaMismatch extends Error {
  override name = 'ResponseSchemaMismatch';
}

/** Statuses middleware may give any route, always as problem+json. */
const CROSS_CUTTING_PROBLEM_STATUSES = new Set([400, 401, 403, 413, 415, 422, 429, 500, 503]);

interface DeclaredResponse {
  readonly content?: Readonly<Record<string, { readonly schema?: unknown }>>;
}

interface DeclaredRoute {
  readonly method: string;
  readonly path: string;
  readonly pattern: RegExp;
  /** Literal segments rank a route above a parameterised one that also matches. */
  readonly specificity: number;
  readonly responses: Readonly<Record<string, DeclaredResponse>>;
}

function declaredRoutes(app: ValidatableApp): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const { method, path, responses } = definition.route;
    const segments = path.split('/');
    routes.push({
      method: method.toUpperCase(),
      path,
      pattern: new RegExp(
        `^${segments.map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : escapeRegExp(s))).join('/')}$`,
      ),
      specificity: segments.filter((s) => !/^\{.+\}$/.test(s)).length,
      responses: responses as Readonly<Record<string, DeclaredResponse>>,
    });
  }
  return routes.sort((a, b) => b.specificity - a.specificity);
}

async function checkResponse(
  routes: readonly DeclaredRoute[],
  request: Request,
  response: Response,
): Promise<string | null> {
  const path = new URL(request.url).pathname;
  if (!path.startsWith('/api/') || path === '/api/openapi.json') return null;
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const route = routes.find((r) => r.method === method && r.pattern.test(path));
  const where = `${request.method} ${path} -> ${response.status}`;
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();

  const declared = route?.responses[String(response.status)] ?? route?.responses.default;
  if (!route || !declared) {
    // No route (404/405 from the app's fallback) or a status the route does not list: only a
    // problem from the cross-cutting set is acceptable.
    const crossCutting =
      !route || CROSS_CUTTING_PROBLEM_STATUSES.has(response.status) || response.status === 404;
    if (!crossCutting || response.status < 400) {
      return `${where}: status not declared for ${route ? `${route.method} ${route.path}` : 'any route'}`;
    }
    if (mediaType !== 'application/problem+json') {
      return `${where}: an undeclared error status must be application/problem+json, got ${mediaType || 'no content type'}`;
    }
    return checkJson(where, ProblemSchema, response, request.method);
  }

  const content = declared.content ?? {};
  const mediaTypes = Object.keys(content);
  if (mediaTypes.length === 0) {
    const body = request.method === 'HEAD' ? '' : await response.text();
    return body === '' ? null : `${where}: declared without a body, but one was sent`;
  }
  const entry = content[mediaType];
  if (!entry) {
    return `${where}: content type ${mediaType || '(none)'} is not one of ${mediaTypes.join(', ')}`;
  }
  if (!isJson(mediaType) || !isZod(entry.schema)) return null;
  return checkJson(where, entry.schema, response, request.method);
}

async function checkJson(
  where: string,
  schema: ZodType,
  response: Response,
  method: string,
): Promise<string | null> {
  if (method === 'HEAD') return null;
  const text = await decodedText(response);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `${where}: body is not JSON: ${text.slice(0, 200)}`;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 10)
      .map((i) => `  /${i.path.join('/')}: ${i.message}`)
      .join('\n');
    return `${where}: body does not match the OpenAPI schema\n${issues}`;
  }
  const extra = unknownKeys(body, parsed.data, '');
  if (extra.length > 0) {
    return `${where}: body has fields the OpenAPI schema does not declare: ${extra.slice(0, 10).join(', ')}`;
  }
  return null;
}

/**
 * Paths present in `raw` but dropped by the parse. zod strips undeclared object keys, so what
 * the parse kept is what the schema declares; records and passthrough objects keep everything.
 */
function unknownKeys(raw: unknown, kept: unknown, at: string): string[] {
  if (Array.isArray(raw) && Array.isArray(kept)) {
    return raw.flatMap((item, i) => unknownKeys(item, kept[i], `${at}/${i}`));
  }
  if (isObject(raw) && isObject(kept)) {
    return Object.keys(raw).flatMap((key) =>
      key in kept ? unknownKeys(raw[key], kept[key], `${at}/${key}`) : [`${at}/${key}`],
    );
  }
  return [];
}

/** The body as text, undone from the content coding the app applied (layers are gzipped). */
async function decodedText(response: Response): Promise<string> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const coding = response.headers.get('content-encoding');
  if (coding === 'gzip') return gunzipSync(bytes).toString('utf8');
  if (coding === 'br') return brotliDecompressSync(bytes).toString('utf8');
  return bytes.toString('utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function isZod(schema: unknown): schema is ZodType {
  return typeof schema === 'object' && schema !== null && 'safeParse' in schema;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
