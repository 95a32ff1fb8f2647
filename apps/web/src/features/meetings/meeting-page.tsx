import type { Me } from '@hotspot/contracts';
import { type FormEvent, useState } from 'react';
import { Link } from '../../routing/router.tsx';
import { TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { AttendanceList } from './attendance-list.tsx';
import {
  AGENDA_KIND_LABELS,
  type Agenda,
  formatMeetingTime,
  MEETING_STATUS_LABELS,
  type Meeting,
  meetingPlace,
  useAddAgendaItem,
  useAgenda,
  useMeeting,
  useRegenerateAgenda,
  useRemoveAgendaItem,
  useReorderAgenda,
} from './meetings-api.ts';
import { mayRunMeetings } from './meetings-page.tsx';
import './meetings.css';
import { PackPdfButton } from './pack-download.tsx';

/** One meeting: its details, attendance and the agenda the chair prepares before presenting it. */
export function MeetingPage({ id, me }: { id: string; me: Me }) {
  const meeting = useMeeting(id);
  const agenda = useAgenda(id);
  if (meeting.isPending) return <LoadingNotice what="the meeting" />;
  if (meeting.isError) return <ErrorNotice error={meeting.error} what="the meeting" />;
  const m = meeting.data;
  const editable = mayRunMeetings(me) && m.status !== 'closed';
  return (
    <div className="page page--wide meeting-page">
      <p>
        <Link href="/meetings">All meetings</Link>
      </p>
      <h1>{m.title}</h1>
      <p className="meeting-meta">
        {formatMeetingTime(m.startsAt)}
        {meetingPlace(m) && `, ${meetingPlace(m)}`}. {MEETING_STATUS_LABELS[m.status]}.
      </p>
      <div className="button-row">
        <Link className="button button--primary" href={`/meetings/${id}/present`}>
          {m.status === 'in_progress' ? 'Return to meeting mode' : 'Open meeting mode'}
        </Link>
        <a className="button" href={`/api/meetings/${id}/pack.html`} target="_blank" rel="noopener">
          Printable pack
        </a>
        <PackPdfButton meetingId={id} title={m.title} />
      </div>
      <div className="meeting-columns">
        <section aria-labelledby="agenda-title" className="meeting-agenda">
          <h2 id="agenda-title">Agenda</h2>
          {agenda.isPending && <LoadingNotice what="the agenda" />}
          {agenda.isError && <ErrorNotice error={agenda.error} what="the agenda" />}
          {agenda.data && <AgendaEditor meeting={m} agenda={agenda.data} editable={editable} />}
        </section>
        <section aria-labelledby="attendance-title" className="meeting-attendance">
          <h2 id="attendance-title">Attendance</h2>
          <AttendanceList meeting={m} editable={editable} />
        </section>
      </div>
    </div>
  );
}

function AgendaEditor({
  meeting,
  agenda,
  editable,
}: {
  meeting: Meeting;
  agenda: Agenda;
  editable: boolean;
}) {
  const reorder = useReorderAgenda(meeting.id);
  const remove = useRemoveAgendaItem(meeting.id);
  const add = useAddAgendaItem(meeting.id);
  const regenerate = useRegenerateAgenda(meeting.id);
  const [title, setTitle] = useState('');
  const ids = agenda.items.map((i) => i.id);
  const move = (index: number, by: -1 | 1) => {
    const next = [...ids];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    reorder.mutate(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ title: title.trim() }, { onSuccess: () => setTitle('') });
  };
  return (
    <>
      <p className="hint">
        Generated from the data{' '}
        {agenda.since
          ? `since the previous meeting (${formatMeetingTime(agenda.since)})`
          : 'so far'}
        .
      </p>
      <FormError error={reorder.error ?? remove.error ?? regenerate.error} />
      {agenda.items.length === 0 && <p>Nothing on the agenda.</p>}
      <ol className="agenda-list">
        {agenda.items.map((item, index) => (
          <li key={item.id} className="agenda-list__item">
            <span className="agenda-kind">{AGENDA_KIND_LABELS[item.kind]}</span>
            <span className="agenda-title">{item.title}</span>
            {item.decisions.length > 0 && (
              <span className="agenda-decided">
                {item.decisions.length} decision{item.decisions.length > 1 ? 's' : ''}
              </span>
            )}
            {editable && (
              <span className="agenda-controls">
                <button
                  type="button"
                  className="button button--small"
                  disabled={index === 0 || reorder.isPending}
                  onClick={() => move(index, -1)}
                  aria-label={`Move up: ${item.title}`}
                >
                  Up
                </button>
                <button
                  type="button"
                  className="button button--small"
                  disabled={index === agenda.items.length - 1 || reorder.isPending}
                  onClick={() => move(index, 1)}
                  aria-label={`Move down: ${item.title}`}
                >
                  Down
                </button>
                <button
                  type="button"
                  className="button button--small button--danger"
                  disabled={item.decisions.length > 0 || remove.isPending}
                  onClick={() => remove.mutate(item.id)}
                  aria-label={`Remove: ${item.title}`}
                >
                  Remove
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      {editable && (
        <>
          <form className="agenda-add" onSubmit={submit}>
            <FormError error={add.error} />
            <TextField
              label="Add an item"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              required
            />
            <button type="submit" className="button" disabled={add.isPending}>
              Add to agenda
            </button>
          </form>
          <button
            type="button"
            className="button"
            onClick={() => regenerate.mutate(undefined)}
            disabled={regenerate.isPending}
          >
            Check the data again for new items
          </button>
        </>
      )}
    </>
  );
}
