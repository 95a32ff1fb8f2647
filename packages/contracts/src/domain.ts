import { z } from 'zod';

/** Roles of DESIGN.md section 2. */
export const ROLES = ['admin', 'analyst', 'chair', 'partner', 'viewer'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const AGENCY_KINDS = [
  'police',
  'council',
  'regulatory',
  'housing',
  'health',
  'education',
  'children',
  'voluntary',
  'other',
] as const;
export const AgencyKindSchema = z.enum(AGENCY_KINDS);
export type AgencyKind = z.infer<typeof AgencyKindSchema>;

/** 3x5x2 intelligence grading: source 1-3, intelligence A-E, handling P (lawful sharing) or C. */
export const SOURCE_GRADES = ['1', '2', '3'] as const;
export const INTELLIGENCE_GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export const HANDLING_CODES = ['P', 'C'] as const;
export const SourceGradeSchema = z.enum(SOURCE_GRADES);
export const IntelligenceGradeSchema = z.enum(INTELLIGENCE_GRADES);
export const HandlingCodeSchema = z.enum(HANDLING_CODES);
export type SourceGrade = z.infer<typeof SourceGradeSchema>;
export type IntelligenceGrade = z.infer<typeof IntelligenceGradeSchema>;
export type HandlingCode = z.infer<typeof HandlingCodeSchema>;

export const LOCATION_PRECISIONS = ['exact', 'street', 'area'] as const;
export const LocationPrecisionSchema = z.enum(LOCATION_PRECISIONS);
export type LocationPrecision = z.infer<typeof LocationPrecisionSchema>;

export const BATCH_STATUSES = ['validated', 'committed', 'rejected', 'withdrawn'] as const;
export const BatchStatusSchema = z.enum(BATCH_STATUSES);
export type BatchStatus = z.infer<typeof BatchStatusSchema>;

export const UPLOAD_PROFILES = ['native-csv', 'geojson', 'police-uk'] as const;
export const UploadProfileSchema = z.enum(UPLOAD_PROFILES);
export type UploadProfile = z.infer<typeof UploadProfileSchema>;

export const HOTSPOT_METHODS = ['dbscan', 'gistar', 'kde', 'drawn'] as const;
export const HotspotMethodSchema = z.enum(HOTSPOT_METHODS);
export type HotspotMethod = z.infer<typeof HotspotMethodSchema>;

export const HOTSPOT_STATUSES = [
  'proposed',
  'confirmed',
  'tasked',
  'monitoring',
  'closed',
] as const;
export const HotspotStatusSchema = z.enum(HOTSPOT_STATUSES);
export type HotspotStatus = z.infer<typeof HotspotStatusSchema>;

export const RISK_RATINGS = ['low', 'medium', 'high', 'very-high'] as const;
export const RiskRatingSchema = z.enum(RISK_RATINGS);
export type RiskRating = z.infer<typeof RiskRatingSchema>;

/** The four priorities of the partnership's CSE strategy. */
export const ACTION_PRIORITIES = [
  'prevention-education',
  'recognition-identification',
  'intervention-support',
  'pursue-disrupt',
] as const;
export const ActionPrioritySchema = z.enum(ACTION_PRIORITIES);
export type ActionPriority = z.infer<typeof ActionPrioritySchema>;
export const ACTION_PRIORITY_LABELS: Readonly<Record<ActionPriority, string>> = {
  'prevention-education': 'Prevention & Education',
  'recognition-identification': 'Recognition & Identification',
  'intervention-support': 'Intervention & Support',
  'pursue-disrupt': 'Pursue & Disrupt',
};

export const ACTION_STATUSES = [
  'assigned',
  'acknowledged',
  'in_progress',
  'completed',
  'declined',
] as const;
export const ActionStatusSchema = z.enum(ACTION_STATUSES);
export type ActionStatus = z.infer<typeof ActionStatusSchema>;
/** One vocabulary for an action's status: the screens, the meeting pack and the emails. */
export const ACTION_STATUS_LABELS: Readonly<Record<ActionStatus, string>> = {
  assigned: 'Awaiting acknowledgement',
  acknowledged: 'Acknowledged',
  in_progress: 'In progress',
  completed: 'Completed',
  declined: 'Declined',
};

export const MEETING_STATUSES = ['planned', 'in_progress', 'closed'] as const;
export const MeetingStatusSchema = z.enum(MEETING_STATUSES);
export type MeetingStatus = z.infer<typeof MeetingStatusSchema>;

/** A code from the partnership's taxonomy (categories of concern, place types). */
export const TaxonomyCodeSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens');
