import type { Me } from '@hotspot/contracts';
import { useMemo } from 'react';
import { navigate, useLocation } from '../../routing/router.tsx';
import { SelectField } from '../../ui/fields.tsx';
import { ErrorNotice, LoadingNotice } from '../../ui/notices.tsx';
import { ActionTable } from './action-list.tsx';
import {
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  type ActionFilters,
  type ActionStatus,
  type ActionSummary,
  actionQueryString,
  formatDay,
  PRIORITY_LABELS,
  STATUS_LABELS,
  useActions,
} from './actions-api.ts';
import { NotificationsPanel } from './notifications-panel.tsx';

function groupBy(
  actions: readonly ActionSummary[],
  key: (a: ActionSummary) => string,
): [string, ActionSummary[]][] {
  const groups = new Map<string, ActionSummary[]>();
  for (const a of actions) groups.set(key(a), [...(groups.get(key(a)) ?? []), a]);
  return [...groups.entries()];
}

/** A partner's landing page: their agency's actions, open ones first, overdue marked. */
export function MyActionsPage({ me }: { me: Me }) {
  const actions = useActions({ mine: true });
  return (
    <div className="page page--wide">
      <h1>Actions for {me.agency.name}</h1>
      <p>
        Actions the tasking group has assigned to your agency. Open one to acknowledge it, report
        progress or record the outcome.
      </p>
      <NotificationsPanel />
      {actions.isPending ? (
        <LoadingNotice what="your agency's actions" />
      ) : actions.isError ? (
        <ErrorNotice error={actions.error} what="your agency's actions" />
      ) : actions.data.actions.length === 0 ? (
        <p>No actions have been assigned to your agency.</p>
      ) : (
        ACTION_STATUSES.map((status) => {
          const inStatus = actions.data.actions.filter((a) => a.status === status);
          return inStatus.length === 0 ? null : (
            <ActionTable
              key={status}
              actions={inStatus}
              caption={`${STATUS_LABELS[status]} (${inStatus.length})`}
              showAgency={false}
            />
          );
        })
      )}
    </div>
  );
}

/** Board filters live in the URL so a filtered board can be shared and reloaded. */
type Grouping = 'status' | 'agency' | 'priority';

function filtersFromSearch(search: string): ActionFilters & { groupBy: Grouping } {
  const params = new URLSearchParams(search);
  const status = (params.get('status') ?? '')
    .split(',')
    .filter((s): s is ActionStatus => (ACTION_STATUSES as readonly string[]).includes(s));
  return {
    status,
    ...(params.get('agency') ? { agency: params.get('agency')! } : {}),
    overdue: params.get('overdue') === '1',
    ...(params.get('hotspot') ? { hotspot: params.get('hotspot')! } : {}),
    groupBy:
      params.get('group') === 'agency' || params.get('group') === 'priority'
        ? (params.get('group') as Grouping)
        : 'status',
  };
}

/**
 * The chair's action board: grouped by status, agency or the four priorities, overdue
 * highlighted, filters, CSV.
 */
export function ActionBoardPage() {
  const location = useLocation();
  const filters = useMemo(() => filtersFromSearch(location.search), [location.search]);
  const { groupBy: grouping, ...query } = filters;
  const actions = useActions(query);
  const setFilter = (name: string, value: string) => {
    const params = new URLSearchParams(location.search);
    if (value) params.set(name, value);
    else params.delete(name);
    const text = params.toString();
    navigate(`/actions${text ? `?${text}` : ''}`, { replace: true });
  };
  // The agencies with actions, by name (the code is what the URL and API take).
  const agencies = useMemo(() => {
    const names = new Map((actions.data?.actions ?? []).map((a) => [a.agency.code, a.agency.name]));
    if (query.agency && !names.has(query.agency)) names.set(query.agency, query.agency);
    return [...names].sort(([, a], [, b]) => a.localeCompare(b));
  }, [actions.data, query.agency]);
  const list = actions.data?.actions ?? [];
  const overdueCount = list.filter((a) => a.overdue).length;
  return (
    <div className="page page--wide">
      <h1>Actions</h1>
      <NotificationsPanel />
      <form className="toolbar" aria-label="Filter actions" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Status"
          value={query.status?.[0] ?? ''}
          onChange={(e) => setFilter('status', e.currentTarget.value)}
          options={[
            { value: '', label: 'Any status' },
            ...ACTION_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
          ]}
        />
        <SelectField
          label="Agency"
          value={query.agency ?? ''}
          onChange={(e) => setFilter('agency', e.currentTarget.value)}
          options={[
            { value: '', label: 'All agencies' },
            ...agencies.map(([code, name]) => ({ value: code, label: name })),
          ]}
        />
        <SelectField
          label="Group by"
          value={grouping}
          onChange={(e) =>
            setFilter('group', e.currentTarget.value === 'status' ? '' : e.currentTarget.value)
          }
          options={[
            { value: 'status', label: 'Status' },
            { value: 'agency', label: 'Agency' },
            { value: 'priority', label: 'Priority' },
          ]}
        />
        <div className="field field--checkbox">
          <input
            id="overdue-only"
            type="checkbox"
            checked={query.overdue ?? false}
            onChange={(e) => setFilter('overdue', e.currentTarget.checked ? '1' : '')}
          />
          <label htmlFor="overdue-only">Overdue only</label>
        </div>
        <a
          className="button button--small"
          href={`/api/actions/export.csv${actionQueryString(query)}`}
          download
        >
          Download CSV
        </a>
      </form>
      {actions.isPending ? (
        <LoadingNotice what="actions" />
      ) : actions.isError ? (
        <ErrorNotice error={actions.error} what="actions" />
      ) : list.length === 0 ? (
        <p>No actions match these filters.</p>
      ) : (
        <>
          <p role="status">
            {list.length} action{list.length === 1 ? '' : 's'}
            {overdueCount > 0 ? `, ${overdueCount} overdue` : ''} (as of{' '}
            {formatDay(actions.data.today)}).
          </p>
          {(grouping === 'agency'
            ? groupBy(list, (a) => `${a.agency.name} (${a.agency.code})`).sort(([a], [b]) =>
                a.localeCompare(b),
              )
            : grouping === 'priority'
              ? ACTION_PRIORITIES.map(
                  (p) =>
                    [PRIORITY_LABELS[p], list.filter((a) => a.priority === p)] as [
                      string,
                      ActionSummary[],
                    ],
                )
              : ACTION_STATUSES.map(
                  (s) =>
                    [STATUS_LABELS[s], list.filter((a) => a.status === s)] as [
                      string,
                      ActionSummary[],
                    ],
                )
          )
            .filter(([, items]) => items.length > 0)
            .map(([label, items]) => (
              <ActionTable
                key={label}
                actions={items}
                caption={`${label} (${items.length})`}
                showAgency={grouping !== 'agency'}
              />
            ))}
        </>
      )}
    </div>
  );
}
