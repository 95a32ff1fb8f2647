import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { AnalysisInputError } from '@hotspot/analysis';
import { type Db, databaseInstance } from '@hotspot/db';
import { lngLatToBng } from '@hotspot/ingest';
import type { Context } from 'hono';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { BoundedCache } from '../../http/bounded-cache.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit, canonicalJson } from '../audit/index.ts';
import {
  type AggregateLayer,
  type DisclosureContext,
  type LayerCollection,
  loadVertexGuard,
  receivesRecordLevel,
  renderLayer,
  type VertexGuard,
} from '../disclosure/index.ts';
import { type PartnershipState, readPartnershipState } from '../partnership/index.ts';

const gzipAsync = promisify(gzip);

/**
 * What a layer's content depends on, read from the database on every request so any API
 * process computes the same ETag: the partnership's state (data version, bumped by commit,
 * withdrawal, erasure; the disclosure threshold; the analysis defaults; the area) and the
 * hotspots and actions.
 */
export interface LayerState extends PartnershipState {
  /** Hash of everything above plus hotspot and action versions. */
  readonly fingerprint: string;
}

export async function loadLayerState(
  db: Db,
  partnershipId: string,
  options: { readonly hotspotsAndActions?: boolean } = {},
): Promise<LayerState> {
  // Layers drawn from the published table alone do not depend on hotspots or actions: their
  // state skips those digests (a pass over every hotspot and action row on every request).
  const { state, row } = await readPartnershipState(db, partnershipId, {
    contents: options.hotspotsAndActions ?? true,
  });
  const fingerprint = createHash('sha256')
    .update(
      [
        row.data_version,
        row.suppression_k,
        row.defaults,
        row.area_hash,
        row.hotspots,
        row.actions,
        row.hex_sizes,
        row.perturbation,
      ].join('\n'),
    )
    .digest('hex');
  return { ...state, fingerprint };
}

// renderLayer gives record-level readers everything and never consults the guard; should that
// change, failing loudly beats checking against an empty index.
const UNLOADED_GUARD: VertexGuard = {
  tooClose: () => {
    throw new Error('The vertex guard is not loaded for record-level rendering.');
  },
};

/**
 * k and the vertex guard for rendering to `renderFor`. Given a record-level reader (an analyst
 * not rendering as the meeting screen), the guard is not loaded: a cold process then answers
 * without indexing every record of the partnership.
 */
export async function disclosureContext(
  deps: Pick<AppDeps, 'db'>,
  state: PartnershipState,
  renderFor?: Pick<SessionUser, 'role'>,
): Promise<DisclosureContext> {
  if (renderFor && receivesRecordLevel(renderFor)) return { k: state.k, guard: UNLOADED_GUARD };
  return {
    k: state.k,
    guard: await loadVertexGuard(deps.db, state.partnershipId, state.dataVersion),
  };
}

type Polygonal =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

const areaCache = new BoundedCache<string, Polygonal>(8);

/** The partnership area in BNG metres (proj4, as every reprojection in the API), or undefined. */
export function studyAreaBng(state: PartnershipState): Polygonal | undefined {
  if (!state.areaGeoJson) return undefined;
  const key = createHash('sha256').update(state.areaGeoJson).digest('hex');
  const cached = areaCache.get(key);
  if (cached) return cached;
  const area = JSON.parse(state.areaGeoJson) as Polygonal;
  const ring = (r: number[][]) => r.map(([lng, lat]) => lngLatToBng(lng!, lat!));
  const projected: Polygonal =
    area.type === 'Polygon'
      ? { type: 'Polygon', coordinates: area.coordinates.map(ring) }
      : { type: 'MultiPolygon', coordinates: area.coordinates.map((p) => p.map(ring)) };
  areaCache.set(key, projected);
  return projected;
}

/** The audit category for a read by this user: record-level consultation or a disclosure. */
export function readCategory(user: SessionUser): 'consultation' | 'disclosure' {
  return receivesRecordLevel(user) ? 'consultation' : 'disclosure';
}

/** Features rendered between two turns of the event loop. */
const RENDER_SLICE = 200;

/**
 * `renderLayer` a slice of features at a time, letting other requests (health, sign-in) in
 * between: disclosure control of a few thousand hexagons is otherwise one long block. Features
 * render independently and the collection's other members do not depend on them.
 */
export async function renderLayerInSlices(
  user: Pick<SessionUser, 'role'>,
  layer: AggregateLayer,
  ctx: DisclosureContext,
): Promise<LayerCollection> {
  const slice = (from: number) =>
    renderLayer(user, { ...layer, features: layer.features.slice(from, from + RENDER_SLICE) }, ctx);
  const first = slice(0);
  const features = [...first.features];
  for (let from = RENDER_SLICE; from < layer.features.length; from += RENDER_SLICE) {
    await yieldToEventLoop();
    features.push(...slice(from).features);
  }
  return { ...first, features };
}

/** Turns an analysis refusal into a 422 problem carrying its code and message. */
export async function withAnalysisErrors<T>(compute: () => Promise<T> | T): Promise<T> {
  try {
    return await compute();
  } catch (error) {
    if (error instanceof AnalysisInputError) {
      throw new ProblemError(PROBLEM.validation, error.message, { code: error.code });
    }
    throw error;
  }
}

/** A computed body, serialised once, with its gzip encoding made once beside it. */
interface CachedBody {
  readonly identity: Buffer;
  readonly gzip: Buffer;
  /** ETag of the bytes themselves: what non-analysts see (DESIGN.md section 5, rule 6). */
  readonly bytesEtag: string;
}

// Computed bodies keyed by database and ETag: safe to share between users because the ETag
// includes the role (and the agency for partners) and the database state the body was computed
// from. The promise is cached, so concurrent first requests compute once.
const bodyCache = new BoundedCache<string, Promise<CachedBody>>(64);

function cachedBody(db: Db, etag: string, compute: () => Promise<string>): Promise<CachedBody> {
  const key = `${databaseInstance(db)} ${etag}`;
  const cached = bodyCache.get(key);
  if (cached) return cached;
  // Compressed on libuv's thread pool: a large layer would otherwise hold the event loop.
  const computing = compute().then(async (text) => {
    const identity = Buffer.from(text);
    const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 32);
    return { identity, gzip: await gzipAsync(identity), bytesEtag: `W/"${hash}"` };
  });
  bodyCache.set(key, computing);
  computing.catch(() => bodyCache.delete(key));
  return computing;
}

/** Whether Accept-Encoding admits gzip (listed, or `*`, with a q-value above zero). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export interface ServeOptions {
  /** Audit action and ETag namespace, e.g. "layer.hexagons". */
  readonly name: string;
  /** Resolved parameters and filters (defaults filled in): audited and part of the ETag. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly state: LayerState;
  readonly contentType: string;
  readonly compute: () => Promise<string>;
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

/**
 * Audits the request, answers 304 when the client's ETag still matches the database state, and
 * otherwise returns the (possibly cached) body with its ETag.
 */
export async function serveCached(
  deps: AppDeps,
  c: Context<AppEnv>,
  user: SessionUser,
  options: ServeOptions,
): Promise<Response> {
  const audience = receivesRecordLevel(user)
    ? 'analyst'
    : user.role === 'partner'
      ? `partner:${user.agencyId}`
      : user.role;
  const etag = `W/"${createHash('sha256')
    .update(
      canonicalJson({
        name: options.name,
        params: options.params,
        audience,
        state: options.state.fingerprint,
        partnership: user.partnershipId,
      }),
    )
    .digest('base64url')
    .slice(0, 32)}"`;
  await audit(deps, c, {
    category: readCategory(user),
    action: options.name,
    objectType: 'layer',
    query: options.params,
  });
  // Non-analysts get the hash of the published bytes as the ETag, so nothing they can observe
  // moves unless what they are shown does (a C record, or a change elsewhere, changes nothing).
  const recordLevel = receivesRecordLevel(user);
  const body = recordLevel ? undefined : await cachedBody(deps.db, etag, options.compute);
  const headers = {
    etag: body ? body.bytesEtag : etag,
    'cache-control': 'private, no-cache',
    vary: 'cookie, accept-encoding',
    ...(options.extraHeaders ?? {}),
  };
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch?.split(',').some((t) => t.trim() === headers.etag)) {
    return new Response(null, { status: 304, headers });
  }
  const served = body ?? (await cachedBody(deps.db, etag, options.compute));
  const gzip = acceptsGzip(c.req.header('accept-encoding'));
  const bytes = gzip ? served.gzip : served.identity;
  return new Response(bytes, {
    status: 200,
    headers: {
      'content-type': options.contentType,
      'content-length': String(bytes.length),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...headers,
    },
  });
}
