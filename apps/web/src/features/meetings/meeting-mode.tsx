import type { Me } from '@hotspot/contracts';
import { useIsFetching } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { usePartnership } from '../../api/queries.ts';
import { Link, navigate, useLocation } from '../../routing/router.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { NO_FILTERS } from '../../url-state/map-view-state.ts';
import { addMonths } from '../../url-state/period.ts';
import { formatDay, STATUS_LABELS } from '../actions/actions-api.ts';
import { AttendanceList } from './attendance-list.tsx';
import { DecisionForm, NewActionForm } from './meeting-item-forms.tsx';
import { MeetingMap } from './meeting-map.tsx';
import {
  AGENDA_KIND_LABELS,
  type AgendaAction,
  type AgendaItem,
  MEETING_STATUS_LABELS,
  type Meeting,
  useAgenda,
  useChangeMeeting,
  useMeeting,
} from './meetings-api.ts';
import { mayRunMeetings } from './meetings-page.tsx';
import './meetings.css';
import { riskLabel } from '../hotspots/hotspot-view.ts';

/** The item shown, from ?item=N (1-based, so the URL reads like the agenda). */
function itemIndexFrom(search: string, count: number): number {
  const n = Number(new URLSearchParams(search).get('item'));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, Math.max(1, count)) - 1 : 0;
}

/**
 * Keys typed into a form are not agenda steps; everything else is, wherever focus is (the
 * meeting map takes no keyboard focus), so a presenter's clicker keeps working after someone
 * clicks the map or a button.
 */
function isStepKeyTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return true;
  return !target.closest('input, textarea, select, [contenteditable="true"]');
}

/**
 * Meeting mode: the agenda full screen for a projector, one item at a time, stepped with the
 * arrow keys or PageUp/PageDown (what presentation clickers send). Each item shows the map
 * fitted to its hotspot with the state of its actions; decisions, new actions and attendance
 * are recorded as the meeting goes.
 */
export function MeetingMode({ id, me }: { id: string; me: Me }) {
  const meeting = useMeeting(id);
  const agenda = useAgenda(id);
  const partnership = usePartnership();
  // The screen says it is still loading while any of its data is on the way.
  const fetching = useIsFetching() > 0;
  const location = useLocation();
  const [showAttendance, setShowAttendance] = useState(false);
  const count = agenda.data?.items.length ?? 0;
  const index = itemIndexFrom(location.search, count);

  const goTo = useCallback(
    (next: number) => {
      if (next < 0 || next >= count) return;
      navigate(`/meetings/${id}/present?item=${next + 1}`, { replace: true });
    },
    [count, id],
  );
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || !isStepKeyTarget(event.target)) return;
      if (event.key === 'ArrowRight' || event.key === 'PageDown') {
        event.preventDefault();
        goTo(index + 1);
      } else if (event.key === 'ArrowLeft' || event.key === 'PageUp') {
        event.preventDefault();
        goTo(index - 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [goTo, index]);

  if (meeting.isPending || agenda.isPending || partnership.isPending) {
    return <LoadingNotice what="the meeting" />;
  }
  if (meeting.isError) return <ErrorNotice error={meeting.error} what="the meeting" />;
  if (agenda.isError) return <ErrorNotice error={agenda.error} what="the agenda" />;
  if (partnership.isError) return <ErrorNotice error={partnership.error} what="the map" />;
  const m = meeting.data;
  const item = agenda.data.items[index];
  const runs = mayRunMeetings(me) && m.status !== 'closed';
  const meetingDay = m.startsAt.slice(0, 10);

  return (
    <div className="meeting-mode">
      <header className="meeting-mode__bar">
        <p className="meeting-mode__title">{m.title}</p>
        <p className="meeting-mode__position" aria-live="polite">
          {count > 0 ? `Item ${index + 1} of ${count}` : 'No items'}
        </p>
        <p className="meeting-mode__status">{MEETING_STATUS_LABELS[m.status]}</p>
        <div className="meeting-mode__tools">
          <button
            type="button"
            className="button button--quiet"
            aria-expanded={showAttendance}
            onClick={() => setShowAttendance(!showAttendance)}
          >
            Attendance
          </button>
          {mayRunMeetings(me) && <MeetingStatusButton meeting={m} />}
          <Link className="button button--quiet" href={`/meetings/${id}`}>
            Leave meeting mode
          </Link>
        </div>
      </header>
      {showAttendance && (
        <section className="meeting-mode__attendance" aria-labelledby="attendance-heading">
          <h2 id="attendance-heading">Attendance</h2>
          <AttendanceList meeting={m} editable={runs} />
        </section>
      )}
      <main
        id="main"
        className="meeting-mode__main"
        tabIndex={-1}
        aria-busy={fetching || undefined}
      >
        <div className="meeting-mode__map">
          <MeetingMap
            bbox={partnership.data.bbox}
            tiles={partnership.data.tiles}
            query={{
              period: { from: addMonths(meetingDay, -12), to: meetingDay },
              filters: NO_FILTERS,
            }}
            hotspotId={item?.hotspot?.id ?? null}
            showHexagons={me.role !== 'partner'}
            // The agenda's emerging places come from the published table, so every presenter's
            // screen draws them (partners do not present the map's analyses).
            showEmerging={item?.kind === 'emerging-hotspot' && me.role !== 'partner'}
          />
        </div>
        <div className="meeting-mode__panel">
          {item ? (
            <ItemPanel key={item.id} meetingId={id} item={item} runs={runs} />
          ) : (
            <p className="meeting-mode__empty">The agenda is empty.</p>
          )}
        </div>
      </main>
      <nav className="meeting-mode__steps" aria-label="Agenda items">
        <button
          type="button"
          className="button"
          onClick={() => goTo(index - 1)}
          disabled={index <= 0}
        >
          Previous item
        </button>
        <p className="hint">Arrow keys or Page Up / Page Down move between items.</p>
        <button
          type="button"
          className="button button--primary"
          onClick={() => goTo(index + 1)}
          disabled={index >= count - 1}
        >
          Next item
        </button>
      </nav>
    </div>
  );
}

function MeetingStatusButton({ meeting }: { meeting: Meeting }) {
  const change = useChangeMeeting(meeting.id);
  if (meeting.status === 'closed') return null;
  const next = meeting.status === 'planned' ? 'in_progress' : 'closed';
  return (
    <>
      <button
        type="button"
        className={`button ${next === 'closed' ? 'button--danger' : 'button--primary'}`}
        disabled={change.isPending}
        onClick={() => {
          if (
            next === 'closed' &&
            !window.confirm('Close the meeting? Its record will no longer change.')
          ) {
            return;
          }
          change.mutate({ status: next });
        }}
      >
        {next === 'in_progress' ? 'Start meeting' : 'Close meeting'}
      </button>
      <FormError error={change.error} />
    </>
  );
}

function ActionState({ action }: { action: AgendaAction }) {
  return (
    <li className={`action-state ${action.overdue ? 'action-state--overdue' : ''}`}>
      <span className="action-state__title">{action.title}</span>
      <span className="action-state__meta">
        {action.agency.code} · due {formatDay(action.dueOn)} ·{' '}
        <strong>
          {STATUS_LABELS[action.status]}
          {action.overdue ? ', overdue' : ''}
        </strong>
      </span>
      {action.outcome && <span className="action-state__outcome">Outcome: {action.outcome}</span>}
    </li>
  );
}

function ItemPanel({
  meetingId,
  item,
  runs,
}: {
  meetingId: string;
  item: AgendaItem;
  runs: boolean;
}) {
  const actions = useMemo(() => {
    const all = [...(item.action ? [item.action] : []), ...item.hotspotActions];
    return all.filter((a, i) => all.findIndex((b) => b.id === a.id) === i);
  }, [item]);
  return (
    <article className="meeting-item" aria-labelledby="item-title">
      <p className="meeting-item__kind">{AGENDA_KIND_LABELS[item.kind]}</p>
      <h1 id="item-title" className="meeting-item__title">
        {item.title}
      </h1>
      {item.hotspot && (
        <p className="meeting-item__facts">
          Hotspot {item.hotspot.name}: {item.hotspot.status}
          {item.hotspot.risk ? `, ${riskLabel(item.hotspot.risk).toLowerCase()} risk` : ''}
          {item.hotspot.reviewOn ? `, review ${formatDay(item.hotspot.reviewOn)}` : ''}
        </p>
      )}
      {actions.length > 0 && (
        <section aria-labelledby="item-actions">
          <h2 id="item-actions">Actions</h2>
          <ul className="action-states">
            {actions.map((a) => (
              <ActionState key={a.id} action={a} />
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="item-decisions">
        <h2 id="item-decisions">Decisions</h2>
        {item.decisions.length === 0 ? (
          <p className="hint">None recorded yet.</p>
        ) : (
          <ul className="decisions">
            {item.decisions.map((d) => (
              <li key={d.id}>{d.text}</li>
            ))}
          </ul>
        )}
        {runs && <DecisionForm meetingId={meetingId} itemId={item.id} />}
      </section>
      {runs && item.hotspot && <NewActionForm meetingId={meetingId} hotspot={item.hotspot} />}
    </article>
  );
}
