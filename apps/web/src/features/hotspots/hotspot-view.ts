import type { Role } from '@hotspot/contracts';
import { landingPathFor, mayVisit, navItemsFor } from '../nav/navigation.ts';

/** What a role's hotspot page offers, beyond what the API sends it (DESIGN.md section 5). */
export interface HotspotPageView {
  /**
   * Status, risk, review and OSARA forms and assigning actions: the tasking roles, as the API
   * allows (PATCH /api/hotspots/:id and POST .../actions). Everyone else gets no form at all.
   */
  readonly mayChange: boolean;
  readonly back: { readonly href: string; readonly label: string };
  readonly actionsHeading: string;
  /** The agency column: pointless when every row is the partner's own agency. */
  readonly showAgency: boolean;
  /** The outcome evaluation: not for partners (it compares with the rest of the area). */
  readonly showEvaluation: boolean;
}

const TASKING_ROLES: readonly Role[] = ['analyst', 'chair'];

export function hotspotPageView(role: Role): HotspotPageView {
  const mayChange = TASKING_ROLES.includes(role);
  const landing = navItemsFor(role)[0];
  return {
    mayChange,
    back:
      mayChange || !landing
        ? { href: '/hotspots', label: 'All hotspots' }
        : { href: landingPathFor(role), label: landing.label },
    actionsHeading: role === 'partner' ? "Your agency's actions" : 'Actions',
    showAgency: role !== 'partner',
    showEvaluation: role !== 'partner',
  };
}

/** Whether the role may open an action's page (viewers read the status on the hotspot only). */
export function mayOpenAction(role: Role, actionId: string): boolean {
  return mayVisit(role, `/actions/${actionId}`);
}

/** "Very high" for "very-high". */
export function riskLabel(risk: string): string {
  const words = risk.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The disclosure the API applied (non-analysts), as the API describes it in `disclosure`. */
export interface DisclosureApplied {
  readonly suppressionK?: unknown;
  readonly countsRoundedTo?: unknown;
  readonly vertexClearanceMeters?: unknown;
  readonly perturbationBound?: unknown;
  readonly generalisedToHexMeters?: unknown;
  readonly handlingCodeC?: unknown;
}

/**
 * What the reader should know about the numbers and the outline they were given, in words,
 * one sentence per rule the API says it applied; empty for analysts (who get exact data).
 */
export function disclosureNotes(disclosure: DisclosureApplied | undefined): string[] {
  if (!disclosure) return [];
  const { suppressionK: k, countsRoundedTo: base, vertexClearanceMeters: clearance } = disclosure;
  return [
    typeof base === 'number' && typeof k === 'number'
      ? `Counts are rounded to the nearest ${base}; a count below ${k} is shown only as "fewer than ${k}".`
      : null,
    disclosure.handlingCodeC === 'excluded'
      ? 'Reports with handling code C are not counted.'
      : null,
    typeof clearance === 'number'
      ? `The outline is generalised to a hexagon grid, with no corner within ${clearance} m of a report.`
      : null,
    typeof disclosure.perturbationBound === 'number' && typeof k === 'number'
      ? `Counts come from the partnership's published table of whole months: each is perturbed by at most ${disclosure.perturbationBound}; a count below ${k} is shown only as "fewer than ${k}".`
      : null,
    typeof disclosure.generalisedToHexMeters === 'number'
      ? `The outline is the ${disclosure.generalisedToHexMeters} m hexagons of the published grid that the hotspot touches.`
      : null,
  ].filter((n): n is string => n !== null);
}

/**
 * Why the outcome evaluation cannot be asked for yet, or null when it can: it compares equal
 * periods before and after the response began, so it needs at least one whole day after.
 * `today` is the UTC day, as the API counts it.
 */
export function evaluationNotYet(responseStartedOn: string | null, today: string): string | null {
  if (responseStartedOn === null)
    return 'The evaluation is available once the response has started.';
  if (responseStartedOn >= today) {
    return 'The evaluation compares the reports before and after the response began; it is available from the day after it began.';
  }
  return null;
}
