/**
 * The audit viewer's filters live in the URL (`/admin/audit?category=admin&from=2025-03-01`)
 * so a search can be shared with a colleague or reopened. Dates are whole local days; the API
 * takes instants, `from` inclusive and `to` exclusive, so `to` becomes the next midnight.
 */

import { AUDIT_CATEGORIES, type AuditCategory } from '@hotspot/contracts';

export { AUDIT_CATEGORIES, type AuditCategory };

export interface AuditFilters {
  readonly category: AuditCategory | null;
  /** User id. */
  readonly actor: string | null;
  /** YYYY-MM-DD, first day included. */
  readonly from: string | null;
  /** YYYY-MM-DD, last day included. */
  readonly to: string | null;
}

export const NO_AUDIT_FILTERS: AuditFilters = { category: null, actor: null, from: null, to: null };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validDay(value: string | null): string | null {
  if (!value || !DAY.test(value)) return null;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d);
  // 2025-02-30 would roll over to March: not a day anyone meant.
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d
    ? value
    : null;
}

export function parseAuditFilters(search: string): AuditFilters {
  const params = new URLSearchParams(search);
  const category = params.get('category');
  const actor = params.get('actor');
  return {
    category: (AUDIT_CATEGORIES as readonly string[]).includes(category ?? '')
      ? (category as AuditCategory)
      : null,
    actor: actor && UUID.test(actor) ? actor : null,
    from: validDay(params.get('from')),
    to: validDay(params.get('to')),
  };
}

export function auditFiltersToSearch(filters: AuditFilters): string {
  const params = new URLSearchParams();
  if (filters.category) params.set('category', filters.category);
  if (filters.actor) params.set('actor', filters.actor);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Local midnight at the start of `day`, plus `addDays`, as an ISO instant. */
function localMidnight(day: string, addDays = 0): string {
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + addDays);
  return date.toISOString();
}

/** The API's query parameters (GET /api/audit and /api/audit/export.csv). */
export function auditApiParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.category) params.set('category', filters.category);
  if (filters.actor) params.set('actor', filters.actor);
  if (filters.from) params.set('from', localMidnight(filters.from));
  if (filters.to) params.set('to', localMidnight(filters.to, 1));
  return params;
}
