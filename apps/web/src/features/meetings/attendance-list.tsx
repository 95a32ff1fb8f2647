import { useState } from 'react';
import { FormError } from '../../ui/notices.tsx';
import { type Meeting, useChangeMeeting } from './meetings-api.ts';

/**
 * Who is here: one checkbox per invited agency, saved as it is ticked. The box shows the click
 * at once (held in local state, set in the event itself, so the tick never lags the network);
 * once the save settles the saved state shows again: the new one, or on failure the old one,
 * with the error.
 */
export function AttendanceList({ meeting, editable }: { meeting: Meeting; editable: boolean }) {
  const change = useChangeMeeting(meeting.id);
  const [clicked, setClicked] = useState<ReadonlyMap<string, boolean>>(new Map());
  if (meeting.attendees.length === 0) return <p>No agencies invited.</p>;
  const forget = (agencyId: string) =>
    setClicked((before) => {
      const after = new Map(before);
      after.delete(agencyId);
      return after;
    });
  return (
    <fieldset className="fieldset attendance">
      <legend>Present</legend>
      <FormError error={change.error} />
      {meeting.attendees.map((a) => (
        <div className="field field--checkbox" key={a.agency.id}>
          <input
            id={`present-${a.agency.id}`}
            type="checkbox"
            checked={clicked.get(a.agency.id) ?? a.present}
            disabled={!editable || change.isPending}
            onChange={(e) => {
              const present = e.target.checked;
              setClicked((before) => new Map(before).set(a.agency.id, present));
              change.mutate(
                { attendance: [{ agencyId: a.agency.id, present }] },
                { onSettled: () => forget(a.agency.id) },
              );
            }}
          />
          <label htmlFor={`present-${a.agency.id}`}>
            {a.agency.name} ({a.agency.code}){a.user ? `: ${a.user.name}` : ''}
          </label>
        </div>
      ))}
    </fieldset>
  );
}
