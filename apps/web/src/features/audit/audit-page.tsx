import { useState } from 'react';
import { navigate, useLocation } from '../../routing/router.tsx';
import { SelectField, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { useAgencies, useUsers } from '../admin/admin-api.ts';
import { AUDIT_PAGE_SIZE, auditExportHref, useAuditPage, useVerifyAudit } from './audit-api.ts';
import {
  AUDIT_CATEGORIES,
  type AuditCategory,
  type AuditFilters,
  auditFiltersToSearch,
  parseAuditFilters,
} from './audit-filters.ts';

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'Europe/London',
});

function describeQuery(query: unknown): string {
  if (query === null || query === undefined) return '';
  if (typeof query !== 'object') return String(query);
  return Object.entries(query as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

function VerifyChain() {
  const verify = useVerifyAudit();
  const result = verify.data;
  return (
    <div className="verify">
      <button
        type="button"
        className="button"
        onClick={() => verify.mutate()}
        disabled={verify.isPending}
      >
        {verify.isPending ? 'Verifying…' : 'Verify the audit chain'}
      </button>
      <p role="status" className="verify-result">
        {result?.ok === true && (
          <span className="status-ok">
            Intact: all {result.events.toLocaleString('en-GB')} events link up
            {result.checkpoint
              ? `, and match the checkpoint of ${new Date(result.checkpoint.at).toLocaleString('en-GB')} (event ${result.checkpoint.sequence}).`
              : '. No checkpoint was found to compare the newest events with.'}
          </span>
        )}
        {result?.ok === false && (
          <span className="status-bad">
            {result.problem === 'truncated' ? 'Events are missing' : 'Broken'} at event{' '}
            {result.brokenAt}: {result.detail}.
          </span>
        )}
      </p>
      <FormError error={verify.error} />
    </div>
  );
}

export function AuditPage() {
  const location = useLocation();
  const filters = parseAuditFilters(location.search);
  // Cursors of the pages before this one, so "Previous" can go back.
  const [cursors, setCursors] = useState<readonly (string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const page = useAuditPage(filters, cursor);
  const users = useUsers();

  const setFilters = (next: AuditFilters) => {
    setCursors([null]);
    navigate(`${location.pathname}${auditFiltersToSearch(next)}`, { replace: true });
  };
  const userName = (id: string | null) =>
    id ? (users.data?.find((u) => u.id === id)?.name ?? 'Unknown user') : 'Not signed in';
  // Users and agencies by name: what the admin manages. Other objects keep their ids (the
  // admin has no access to intelligence, so hotspots and records are not named here).
  const agencies = useAgencies();
  const objectName = (type: string, id: string | null): string | undefined => {
    if (!id) return undefined;
    if (type === 'user') return users.data?.find((u) => u.id === id)?.name;
    if (type === 'agency') return agencies.data?.find((a) => a.id === id)?.name;
    return undefined;
  };

  return (
    <div className="page page--wide">
      <h1>Audit trail</h1>
      <p>
        Every sign-in, view, disclosure and change, newest first. Times are UK time. The trail is
        append-only and each event is chained to the one before.
      </p>
      <VerifyChain />
      <form
        className="toolbar"
        aria-label="Filter the audit trail"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField
          label="Category"
          options={[
            { value: '', label: 'All categories' },
            ...AUDIT_CATEGORIES.map((c) => ({ value: c, label: c })),
          ]}
          value={filters.category ?? ''}
          onChange={(e) =>
            setFilters({
              ...filters,
              category: (e.currentTarget.value || null) as AuditCategory | null,
            })
          }
        />
        <SelectField
          label="User"
          options={[
            { value: '', label: 'Everyone' },
            ...(users.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` })),
          ]}
          value={filters.actor ?? ''}
          onChange={(e) => setFilters({ ...filters, actor: e.currentTarget.value || null })}
        />
        <TextField
          label="From"
          type="date"
          value={filters.from ?? ''}
          onChange={(e) => setFilters({ ...filters, from: e.currentTarget.value || null })}
        />
        <TextField
          label="To"
          type="date"
          value={filters.to ?? ''}
          onChange={(e) => setFilters({ ...filters, to: e.currentTarget.value || null })}
        />
        <a className="button" href={auditExportHref(filters)} download>
          Export CSV
        </a>
      </form>
      {page.isPending ? (
        <LoadingNotice what="the audit trail" />
      ) : page.isError ? (
        <ErrorNotice error={page.error} what="the audit trail" />
      ) : (
        <>
          <table className="table table--compact" aria-busy={page.isFetching}>
            <caption className="visually-hidden">Audit events</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">Category</th>
                <th scope="col">Action</th>
                <th scope="col">Object or query</th>
                <th scope="col">Outcome</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {page.data.events.map((e) => (
                <tr key={e.id}>
                  <td>{e.id}</td>
                  <td>{DATE_TIME.format(new Date(e.occurredAt))}</td>
                  <td>
                    {userName(e.actorUserId)}
                    {e.actorRole && (
                      <span className="cell-sub">
                        {e.actorRole}
                        {e.actorAgency ? ` · ${e.actorAgency}` : ''}
                      </span>
                    )}
                  </td>
                  <td>{e.category}</td>
                  <td>{e.action}</td>
                  <td className="cell-wrap">
                    {e.objectType && (
                      <span>
                        {e.objectType} {objectName(e.objectType, e.objectId) ?? e.objectId}
                      </span>
                    )}
                    <span className="cell-sub">{describeQuery(e.query)}</span>
                  </td>
                  <td>{e.outcome}</td>
                  <td>
                    {e.address}
                    {e.requestId && <span className="cell-sub">request {e.requestId}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.events.length === 0 && <p>No events match these filters.</p>}
          <nav className="pager" aria-label="Audit pages">
            <button
              type="button"
              className="button"
              disabled={cursors.length <= 1}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              Previous {AUDIT_PAGE_SIZE}
            </button>
            <span>Page {cursors.length}</span>
            <button
              type="button"
              className="button"
              disabled={!page.data.nextCursor}
              onClick={() => {
                const next = page.data.nextCursor;
                if (next) setCursors((c) => [...c, next]);
              }}
            >
              Next {AUDIT_PAGE_SIZE}
            </button>
          </nav>
        </>
      )}
    </div>
  );
}
