import { z } from 'zod';
import { PARAMETERS } from './analysis.ts';
import {
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  AGENCY_KINDS,
  HOTSPOT_METHODS,
  HOTSPOT_STATUSES,
  RISK_RATINGS,
} from './domain.ts';
import { AgencyRefSchema, type NoteCheck, PolygonalFeatureSchema } from './wire.ts';

// The wire format of hotspots and their actions. Request bodies are strict objects: an unknown
// field is a 422, not silently dropped (the web map posts these from the hotspot panel).

const DateSchema = z.iso.date();

export const PeriodSchema = z
  .strictObject({ from: DateSchema, to: DateSchema })
  .refine((p) => p.from <= p.to, { message: 'from must not be after to', path: ['to'] })
  .meta({ id: 'Period', description: 'Reported dates, inclusive' });

const code = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a taxonomy code (kebab-case)');

/** The record filters a cluster was found with, so the same cluster can be found again. */
export const ClusterFiltersSchema = z
  .strictObject({
    category: z.array(code).max(50).default([]),
    placeType: z.array(code).max(50).default([]),
    sourceAgency: z
      .array(z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/))
      .max(50)
      .default([]),
    sourceGrade: z.array(z.enum(['1', '2', '3'])).default([]),
    intelligenceGrade: z.array(z.enum(['A', 'B', 'C', 'D', 'E'])).default([]),
    handlingCode: z.array(z.enum(['P', 'C'])).default([]),
  })
  .meta({ id: 'ClusterFilters' });

const range = (name: 'epsMeters' | 'minPoints' | 'sizeMeters') => {
  const spec = PARAMETERS[name];
  const n = z.number().min(spec.min).max(spec.max);
  return spec.integer ? n.int() : n;
};

const GeoJsonPolygonSchema = z
  .strictObject({
    type: z.literal('Polygon'),
    coordinates: z
      .array(z.array(z.tuple([z.number(), z.number()])).min(4))
      .min(1)
      .max(50),
  })
  .meta({ id: 'GeoJsonPolygon' });
const GeoJsonMultiPolygonSchema = z
  .strictObject({
    type: z.literal('MultiPolygon'),
    coordinates: z
      .array(z.array(z.array(z.tuple([z.number(), z.number()])).min(4)).min(1))
      .min(1)
      .max(50),
  })
  .meta({ id: 'GeoJsonMultiPolygon' });
export const PolygonalSchema = z.union([GeoJsonPolygonSchema, GeoJsonMultiPolygonSchema]);

export const DisclosedCountSchema = z
  .union([
    z.object({ count: z.number().int() }),
    z.object({ suppressed: z.literal(true), fewerThan: z.number().int() }),
  ])
  .meta({
    id: 'DisclosedCount',
    description: 'A count; for non-analysts suppressed below k and rounded to 5 otherwise',
  });

export const StatusChangeSchema = z
  .object({
    from: z.enum(HOTSPOT_STATUSES).nullable(),
    to: z.enum(HOTSPOT_STATUSES),
    by: z.string(),
    at: z.string(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'HotspotStatusChange' });

export const ActionSummarySchema = z
  .object({
    id: z.string(),
    hotspotId: z.string(),
    hotspotName: z.string(),
    priority: z.enum(ACTION_PRIORITIES),
    agency: AgencyRefSchema,
    title: z.string(),
    dueOn: z.string(),
    status: z.enum(ACTION_STATUSES),
    overdue: z.boolean(),
    acknowledgedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ActionSummary' });

export const HotspotSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    method: z.enum(HOTSPOT_METHODS),
    status: z.enum(HOTSPOT_STATUSES),
    risk: z.enum(RISK_RATINGS).nullable(),
    reviewOn: z.string().nullable(),
    reviewDue: z.boolean(),
    periodFrom: z.string().nullable(),
    periodTo: z.string().nullable(),
    responseStartedOn: z.string().nullable(),
    openActions: z.number().int(),
    overdueActions: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'HotspotSummary' });

export const HotspotDetailSchema = HotspotSummarySchema.extend({
  /** WGS84 outline; for non-analysts generalised to public grid hexagons, vertices >= 25 m from any record. */
  area: z.unknown().nullable(),
  /** Reports in the area in the hotspot period (non-analysts: handling code P only). */
  reports: DisclosedCountSchema,
  osara: z.object({
    objective: z.string().nullable(),
    scanning: z.string().nullable().optional(),
    analysis: z.string().nullable().optional(),
    response: z.string().nullable(),
    assessment: z.string().nullable(),
  }),
  statusHistory: z.array(StatusChangeSchema),
  allowedTransitions: z.array(z.enum(HOTSPOT_STATUSES)),
  actions: z.array(ActionSummarySchema),
  createdBy: z.string(),
  /** Analysts only: method parameters and the statistics snapshot taken at creation. */
  parameters: z.record(z.string(), z.unknown()).optional(),
  stats: z.record(z.string(), z.unknown()).optional(),
  disclosure: z.record(z.string(), z.unknown()).optional(),
}).meta({ id: 'HotspotDetail' });

/**
 * The detail as the web reads it: the outline checked to be a polygonal GeoJSON Feature. The
 * API declares `area` open (its handlers do not type the outline's geometry yet); once they
 * do, HotspotDetailSchema can take this `area` and this schema can go.
 */
export const HotspotDetailViewSchema = HotspotDetailSchema.extend({
  area: PolygonalFeatureSchema.nullable(),
});
export type HotspotDetailView = z.infer<typeof HotspotDetailViewSchema>;

export const AgencyOptionListSchema = z.object({
  agencies: z.array(
    z.object({ id: z.string(), code: z.string(), name: z.string(), kind: z.enum(AGENCY_KINDS) }),
  ),
});
export type AgencyOption = z.infer<typeof AgencyOptionListSchema>['agencies'][number];

export const HotspotListSchema = z.object({ hotspots: z.array(HotspotSummarySchema) });

const BeforeAfterSchema = z.object({ before: DisclosedCountSchema, after: DisclosedCountSchema });

export const HotspotEvaluationSchema = z
  .object({
    parameters: z.record(z.string(), z.unknown()),
    counts: z.object({ target: z.unknown(), buffer: z.unknown(), control: z.unknown() }),
    result: z.record(z.string(), z.unknown()),
    explanation: z.string(),
  })
  .passthrough()
  .meta({ id: 'HotspotEvaluation' });

/** The evaluation as the web reads it (the API declares it loosely; see HotspotDetailViewSchema). */
export const HotspotEvaluationViewSchema = z.object({
  parameters: z.object({ bufferMeters: z.number(), date: z.string(), periodDays: z.number() }),
  counts: z.object({
    target: BeforeAfterSchema,
    buffer: BeforeAfterSchema,
    control: BeforeAfterSchema,
  }),
  result: z.union([
    z.object({
      computable: z.literal(true),
      wdq: z.number(),
      totalNetEffect: z.number(),
      interpretation: z.string(),
    }),
    z.object({ computable: z.literal(false), reason: z.string() }),
  ]),
  explanation: z.string(),
});
export type HotspotEvaluationView = z.infer<typeof HotspotEvaluationViewSchema>;

export const HotspotIdParamSchema = z.object({ id: z.uuid() });

/** The request bodies, with the server's note check on the free text (see NoteCheck). */
export function hotspotRequestSchemas(note: NoteCheck) {
  const NameSchema = note(z.string().trim().min(1).max(200));

  const HotspotFromClusterSchema = z
    .strictObject({
      source: z.literal('dbscan'),
      name: NameSchema,
      parameters: z.strictObject({ epsMeters: range('epsMeters'), minPoints: range('minPoints') }),
      period: PeriodSchema,
      filters: ClusterFiltersSchema.optional(),
      /** The cluster's number in the DBSCAN result for these parameters, period and filters. */
      clusterId: z.number().int().min(0).optional(),
      /** Or the member records themselves (record ids, as the analyst's points layer gives them). */
      memberRecordIds: z
        .array(z.string().regex(/^\d{1,18}$/))
        .min(1)
        .max(10_000)
        .optional(),
      /** Distance the members' hull is buffered by, metres (default 50). */
      bufferMeters: z.number().min(25).max(500).optional(),
    })
    .refine((v) => (v.clusterId === undefined) !== (v.memberRecordIds === undefined), {
      message: 'Give exactly one of clusterId and memberRecordIds.',
      path: ['clusterId'],
    })
    .meta({ id: 'HotspotFromCluster', description: 'Analysts only: a DBSCAN cluster' });

  const HotspotFromCellsSchema = z
    .strictObject({
      source: z.literal('gistar'),
      name: NameSchema,
      /** Hexagon ids "i:j" of the grid with this size (as the hexagon layer labels them). */
      cellIds: z
        .array(z.string().regex(/^-?\d{1,7}:-?\d{1,7}$/, 'a hexagon id "i:j"'))
        .min(1)
        .max(2000),
      sizeMeters: range('sizeMeters'),
      period: PeriodSchema.optional(),
      /** The analysis parameters the cells were chosen with (kept for the record). */
      parameters: z
        .record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))
        .optional(),
    })
    .meta({
      id: 'HotspotFromCells',
      description: 'The union of hexagon cells (e.g. Gi* hot cells)',
    });

  const HotspotDrawnSchema = z
    .strictObject({
      source: z.literal('drawn'),
      name: NameSchema,
      /** WGS84 [lng, lat]; must lie inside the partnership area. */
      area: PolygonalSchema,
      period: PeriodSchema.optional(),
    })
    .meta({ id: 'HotspotDrawn', description: 'A polygon drawn on the map' });

  const NewHotspotSchema = z
    .discriminatedUnion('source', [
      HotspotFromClusterSchema,
      HotspotFromCellsSchema,
      HotspotDrawnSchema,
    ])
    .meta({ id: 'NewHotspot' });

  const OsaraShape = {
    objective: note(z.string().trim().max(4000)).nullable(),
    scanning: note(z.string().trim().max(4000)).nullable(),
    analysis: note(z.string().trim().max(4000)).nullable(),
    response: note(z.string().trim().max(4000)).nullable(),
    assessment: note(z.string().trim().max(4000)).nullable(),
  };

  const HotspotChangeSchema = z
    .strictObject({
      name: NameSchema.optional(),
      status: z.enum(HOTSPOT_STATUSES).optional(),
      /** Why the status changes: required with `status`. */
      reason: note(z.string().trim().min(3).max(2000)).optional(),
      risk: z.enum(RISK_RATINGS).nullable().optional(),
      reviewOn: DateSchema.nullable().optional(),
      responseStartedOn: DateSchema.nullable().optional(),
      objective: OsaraShape.objective.optional(),
      scanning: OsaraShape.scanning.optional(),
      analysis: OsaraShape.analysis.optional(),
      response: OsaraShape.response.optional(),
      assessment: OsaraShape.assessment.optional(),
    })
    .refine(
      (v) => Object.values(v).some((x) => x !== undefined),
      'Give at least one field to change.',
    )
    .refine((v) => v.status === undefined || v.reason !== undefined, {
      message: 'A status change needs a reason.',
      path: ['reason'],
    })
    .meta({ id: 'HotspotChange' });

  const NewActionSchema = z
    .strictObject({
      priority: z.enum(ACTION_PRIORITIES),
      agencyId: z.uuid(),
      title: note(z.string().trim().min(1).max(200)),
      detail: note(z.string().trim().max(4000)).optional(),
      dueOn: DateSchema,
      meetingId: z.uuid().optional(),
    })
    .meta({ id: 'NewAction' });

  return { NewHotspotSchema, HotspotChangeSchema, NewActionSchema };
}

type HotspotRequests = ReturnType<typeof hotspotRequestSchemas>;
export type NewHotspot = z.infer<HotspotRequests['NewHotspotSchema']>;
export type HotspotChange = z.infer<HotspotRequests['HotspotChangeSchema']>;
export type NewAction = z.infer<HotspotRequests['NewActionSchema']>;
export type NewHotspotInput = z.input<HotspotRequests['NewHotspotSchema']>;
export type HotspotChangeInput = z.input<HotspotRequests['HotspotChangeSchema']>;
export type NewActionInput = z.input<HotspotRequests['NewActionSchema']>;
export type DisclosedCount = z.infer<typeof DisclosedCountSchema>;
export type HotspotStatusChange = z.infer<typeof StatusChangeSchema>;
export type ActionSummary = z.infer<typeof ActionSummarySchema>;
export type HotspotSummary = z.infer<typeof HotspotSummarySchema>;
export type HotspotDetail = z.infer<typeof HotspotDetailSchema>;
export type HotspotEvaluation = z.infer<typeof HotspotEvaluationSchema>;
