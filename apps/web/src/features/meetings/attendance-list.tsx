import { FormError } from '../../ui/notices.tsx';
import { type Meeting, useChangeMeeting } from './meetings-api.ts';

/** Who is here: one checkbox per invited agency, saved as it is ticked. */
export function AttendanceList({ meeting, editable }: { meeting: Meeting; editable: boolean }) {
  const change = useChangeMeeting(meeting.id);
  if (meeting.attendees.length === 0) return <p>No agencies invited.</p>;
  return (
    <fieldset className="fieldset attendance">
      <legend>Present</legend>
      <FormError error={change.error} />
      {meeting.attendees.map((a) => (
        <div className="field field--checkbox" key={a.agency.id}>
          <input
            id={`present-${a.agency.id}`}
            type="checkbox"
            checked={a.present}
            disabled={!editable || change.isPending}
            onChange={(e) =>
              change.mutate({ attendance: [{ agencyId: a.agency.id, present: e.target.checked }] })
            }
          />
          <label htmlFor={`present-${a.agency.id}`}>
            {a.agency.name} ({a.agency.code}){a.user ? `: ${a.user.name}` : ''}
          </label>
        </div>
      ))}
    </fieldset>
  );
}
