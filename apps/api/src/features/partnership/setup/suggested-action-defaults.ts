import type { ActionPriority, AgencyKind } from '@hotspot/contracts';
import type { Database } from '@hotspot/db';
import type { Kysely } from 'kysely';

export interface SuggestedActionDefault {
  readonly placeType: string;
  readonly priority: ActionPriority;
  readonly title: string;
  readonly detail: string;
  /** The kind of agency that usually takes it on; the chair still chooses the agency. */
  readonly agencyKind: AgencyKind;
}

/**
 * The suggestions every new partnership starts with (DESIGN.md section 1 place types); admins
 * edit them per partnership. Codes follow the demo taxonomy.
 */
export const DEFAULT_SUGGESTED_ACTIONS: readonly SuggestedActionDefault[] = [
  {
    placeType: 'licensed-premises',
    priority: 'pursue-disrupt',
    title: 'Licensing visit',
    detail:
      'Joint licensing and police visit to the premises to check licence conditions and safeguarding practice.',
    agencyKind: 'regulatory',
  },
  {
    placeType: 'licensed-premises',
    priority: 'recognition-identification',
    title: 'Staff awareness session',
    detail: 'CSE awareness for managers and staff: signs to look for and how to report a concern.',
    agencyKind: 'regulatory',
  },
  {
    placeType: 'taxi-private-hire',
    priority: 'pursue-disrupt',
    title: 'Licensing checks',
    detail: 'Targeted compliance checks on licensed drivers and vehicles operating in the area.',
    agencyKind: 'regulatory',
  },
  {
    placeType: 'taxi-private-hire',
    priority: 'recognition-identification',
    title: 'Driver safeguarding training',
    detail:
      'Check that drivers and operators have completed safeguarding training; offer refresher sessions.',
    agencyKind: 'regulatory',
  },
  {
    placeType: 'hotel-bnb',
    priority: 'prevention-education',
    title: 'Housing and accommodation guidance',
    detail:
      'Safeguarding guidance for the accommodation provider on bookings, visitors and reporting.',
    agencyKind: 'housing',
  },
  {
    placeType: 'hotel-bnb',
    priority: 'recognition-identification',
    title: 'Hotel-watch awareness',
    detail:
      'Hotel-watch style awareness for reception and housekeeping staff, with a reporting route.',
    agencyKind: 'police',
  },
  {
    placeType: 'hostel-hmo',
    priority: 'prevention-education',
    title: 'Housing guidance for landlords',
    detail:
      'Visit and guidance for the landlord or manager on safeguarding duties and licence conditions.',
    agencyKind: 'housing',
  },
  {
    placeType: 'hostel-hmo',
    priority: 'recognition-identification',
    title: 'Resident and staff awareness',
    detail: 'Hotel-watch style awareness for staff and residents, with a reporting route.',
    agencyKind: 'housing',
  },
  {
    placeType: 'park-open-space',
    priority: 'pursue-disrupt',
    title: 'Targeted patrols',
    detail: 'Visible patrols at the times concerns were reported.',
    agencyKind: 'police',
  },
  {
    placeType: 'park-open-space',
    priority: 'intervention-support',
    title: 'Youth outreach',
    detail: 'Detached youth work and outreach with young people using the space.',
    agencyKind: 'voluntary',
  },
];

/** Gives a new partnership the default suggestions (call inside its creating transaction). */
export async function seedSuggestedActions(
  db: Kysely<Database>,
  partnershipId: string,
  deps: { readonly newId: () => string; readonly clock: () => Date },
): Promise<void> {
  const now = deps.clock();
  await db
    .insertInto('suggested_action')
    .values(
      DEFAULT_SUGGESTED_ACTIONS.map((s, position) => ({
        id: deps.newId(),
        partnership_id: partnershipId,
        place_type: s.placeType,
        priority: s.priority,
        title: s.title,
        detail: s.detail,
        agency_kind: s.agencyKind,
        position,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}
