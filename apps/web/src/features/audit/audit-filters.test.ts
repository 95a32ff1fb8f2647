import { describe, expect, it } from 'vitest';
import {
  auditApiParams,
  auditFiltersToSearch,
  NO_AUDIT_FILTERS,
  parseAuditFilters,
} from './audit-filters.ts';

describe('audit filters in the URL', () => {
  it('round-trips', () => {
    const filters = {
      category: 'authentication',
      actor: '0b9d2f0e-1a2b-4c3d-8e9f-001122334455',
      from: '2025-03-01',
      to: '2025-03-31',
    } as const;
    expect(parseAuditFilters(auditFiltersToSearch(filters))).toEqual(filters);
  });

  it('drops what it does not understand', () => {
    expect(
      parseAuditFilters('?category=drop-table&actor=1%20or%201=1&from=yesterday&to=2025-02-30'),
    ).toEqual(NO_AUDIT_FILTERS);
    expect(auditFiltersToSearch(NO_AUDIT_FILTERS)).toBe('');
  });
});

describe('auditApiParams', () => {
  it('turns whole days into a half-open range of instants, the last day included', () => {
    const params = auditApiParams({ ...NO_AUDIT_FILTERS, from: '2025-03-01', to: '2025-03-01' });
    const from = new Date(params.get('from')!);
    const to = new Date(params.get('to')!);
    expect(to.getTime() - from.getTime()).toBeGreaterThanOrEqual(23 * 3600_000);
    expect(to.getTime() - from.getTime()).toBeLessThanOrEqual(25 * 3600_000);
    expect(from.getHours()).toBe(0);
    expect(params.get('from')).toMatch(/Z$/);
  });

  it('sends only the filters that are set', () => {
    expect(auditApiParams({ ...NO_AUDIT_FILTERS, category: 'admin' }).toString()).toBe(
      'category=admin',
    );
  });
});
