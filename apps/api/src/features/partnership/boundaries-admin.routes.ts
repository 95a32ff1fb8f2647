import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { audit } from '../audit/index.ts';
import { replaceBoundaries } from './partnership.commands.ts';

const Position = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .rest(z.number());
const Ring = z.array(Position).min(4).max(200_000);
const PolygonCoordinates = z.array(Ring).min(1).max(1000);

const BoundaryFeature = z.object({
  type: z.literal('Feature'),
  geometry: z.discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: PolygonCoordinates }),
    z.object({
      type: z.literal('MultiPolygon'),
      coordinates: z.array(PolygonCoordinates).min(1).max(1000),
    }),
  ]),
  properties: z
    .object({
      code: z.string().trim().min(1).max(40),
      name: z.string().trim().min(1).max(200),
    })
    .passthrough(),
});

const BoundaryUpload = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(BoundaryFeature).min(1).max(2000),
    source: z.string().trim().min(1).max(300).optional(),
  })
  .superRefine((fc, ctx) => {
    const seen = new Set<string>();
    fc.features.forEach((f, i) => {
      if (seen.has(f.properties.code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', i, 'properties', 'code'],
          message: 'duplicate code',
        });
      }
      seen.add(f.properties.code);
      const polygons =
        f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
      polygons.forEach((p, pi) => {
        p.forEach((ring, ri) => {
          const [a, b] = [ring[0]!, ring[ring.length - 1]!];
          if (a[0] !== b[0] || a[1] !== b[1]) {
            ctx.addIssue({
              code: 'custom',
              path: [
                'features',
                i,
                'geometry',
                'coordinates',
                ...(f.geometry.type === 'Polygon' ? [] : [pi]),
                ri,
              ],
              message: 'ring is not closed (first and last positions differ)',
            });
          }
        });
      });
    });
  })
  .openapi('BoundaryUpload');

const replaceRoute = createRoute({
  method: 'post',
  path: '/api/admin/boundaries',
  summary:
    'Replace the ward or district boundaries with an uploaded GeoJSON FeatureCollection (WGS84)',
  request: {
    query: z.object({ kind: z.enum(['ward', 'district']) }),
    body: { content: { 'application/json': { schema: BoundaryUpload } }, required: true },
  },
  responses: {
    200: {
      description: 'The set was replaced',
      content: {
        'application/json': {
          schema: z.object({
            kind: z.string(),
            replaced: z.number().int(),
            loaded: z.number().int(),
          }),
        },
      },
    },
    ...problemResponses(401, 403, 413, 422),
  },
});

/** Admins replace a whole boundary set in one transaction (the shipped 2013 wards are out of date). */
export function boundaryAdminRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>().openapi(replaceRoute, async (c) => {
    const { kind } = c.req.valid('query');
    const counts = await replaceBoundaries(deps, currentUser(c), kind, c.req.valid('json'));
    await audit(deps, c, {
      category: 'admin',
      action: 'boundaries.replace',
      objectType: 'boundary',
      objectId: kind,
      query: { kind, features: counts.loaded, replaced: counts.replaced },
    });
    return c.json({ kind, ...counts }, 200);
  });
}
