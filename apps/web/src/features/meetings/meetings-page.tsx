import type { Me } from '@hotspot/contracts';
import { type FormEvent, useState } from 'react';
import { Link, navigate } from '../../routing/router.tsx';
import { fieldError, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { useAgencies } from '../hotspots/hotspots-api.ts';
import {
  formatMeetingTime,
  MEETING_STATUS_LABELS,
  meetingPlace,
  useCreateMeeting,
  useMeetings,
} from './meetings-api.ts';
import './meetings.css';

export function mayRunMeetings(me: Pick<Me, 'role'>): boolean {
  return me.role === 'chair' || me.role === 'analyst';
}

/** Meetings, latest first, and (for those who run them) a form to plan the next one. */
export function MeetingsPage({ me }: { me: Me }) {
  const meetings = useMeetings();
  return (
    <div className="page page--wide meetings-page">
      <h1>Meetings</h1>
      {mayRunMeetings(me) && <NewMeetingForm />}
      <h2>Meetings</h2>
      {meetings.isPending && <LoadingNotice what="meetings" />}
      {meetings.isError && <ErrorNotice error={meetings.error} what="meetings" />}
      {meetings.data && meetings.data.length === 0 && <p>No meetings yet.</p>}
      {meetings.data && meetings.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Meeting</th>
              <th scope="col">When</th>
              <th scope="col">Where</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {meetings.data.map((m) => (
              <tr key={m.id}>
                <td>
                  {me.role === 'partner' ? (
                    <a href={`/api/meetings/${m.id}/pack.pdf`}>{m.title} (your copy of the pack)</a>
                  ) : (
                    <Link href={`/meetings/${m.id}`}>{m.title}</Link>
                  )}
                </td>
                <td>{formatMeetingTime(m.startsAt)}</td>
                <td>{meetingPlace(m)}</td>
                <td>{MEETING_STATUS_LABELS[m.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function NewMeetingForm() {
  const agencies = useAgencies();
  const create = useCreateMeeting();
  const [title, setTitle] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [place, setPlace] = useState('');
  const [online, setOnline] = useState(false);
  const [invited, setInvited] = useState<ReadonlySet<string>>(new Set());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        title: title.trim(),
        // datetime-local is the user's local time; the API takes an instant.
        startsAt: startsAt ? new Date(startsAt).toISOString() : '',
        ...(place.trim() ? { place: place.trim() } : {}),
        online,
        attendeeAgencyIds: [...invited],
      },
      { onSuccess: (meeting) => navigate(`/meetings/${meeting.id}`) },
    );
  };
  const toggle = (id: string, on: boolean) => {
    const next = new Set(invited);
    if (on) next.add(id);
    else next.delete(id);
    setInvited(next);
  };

  return (
    <form className="meeting-form" onSubmit={submit} aria-labelledby="new-meeting-title">
      <h2 id="new-meeting-title">Plan a meeting</h2>
      <FormError error={create.error} />
      <TextField
        label="Title"
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        error={fieldError(create.error, 'title')}
        required
      />
      <TextField
        label="Starts at"
        type="datetime-local"
        value={startsAt}
        onChange={(e) => setStartsAt(e.target.value)}
        error={fieldError(create.error, 'startsAt')}
        required
      />
      <TextField
        label="Place"
        hint="Leave empty for an online-only meeting, and tick Online below."
        value={place}
        onChange={(e) => setPlace(e.target.value)}
        error={fieldError(create.error, 'place')}
      />
      <div className="field field--checkbox">
        <input
          id="meeting-online"
          type="checkbox"
          checked={online}
          onChange={(e) => setOnline(e.target.checked)}
        />
        <label htmlFor="meeting-online">Online (also, or only)</label>
      </div>
      <fieldset className="fieldset">
        <legend>Invite agencies</legend>
        {agencies.data?.agencies.map((a) => (
          <div className="field field--checkbox" key={a.id}>
            <input
              id={`invite-${a.id}`}
              type="checkbox"
              checked={invited.has(a.id)}
              onChange={(e) => toggle(a.id, e.target.checked)}
            />
            <label htmlFor={`invite-${a.id}`}>
              {a.name} ({a.code})
            </label>
          </div>
        ))}
      </fieldset>
      <button type="submit" className="button button--primary" disabled={create.isPending}>
        Plan meeting
      </button>
    </form>
  );
}
