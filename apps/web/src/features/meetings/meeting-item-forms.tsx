import { type FormEvent, useState } from 'react';
import { fieldError } from '../../ui/fields.tsx';
import { FormError } from '../../ui/notices.tsx';
import { toIsoDate } from '../../url-state/period.ts';
import { ACTION_PRIORITIES, type ActionPriority, PRIORITY_LABELS } from '../actions/actions-api.ts';
import { useAgencies, useChangeHotspot } from '../hotspots/hotspots-api.ts';
import { type AgendaItem, useCreateMeetingAction, useRecordDecision } from './meetings-api.ts';

/** Records the meeting's decision on an item. */
export function DecisionForm({ meetingId, itemId }: { meetingId: string; itemId: string }) {
  const record = useRecordDecision(meetingId);
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.mutate({ itemId, text: text.trim() }, { onSuccess: () => setText('') });
  };
  return (
    <form className="decision-form" onSubmit={submit}>
      <FormError error={record.error} />
      <label htmlFor={`decision-${itemId}`}>Record a decision</label>
      <textarea
        id={`decision-${itemId}`}
        rows={2}
        value={text}
        onChange={(e) => setText(e.target.value)}
        required
      />
      <button
        type="submit"
        className="button button--primary"
        disabled={record.isPending || !text.trim()}
      >
        Record decision
      </button>
      {record.isSuccess && (
        <p role="status" className="hint">
          Decision recorded.
        </p>
      )}
    </form>
  );
}

/** Agrees a new action on the item's hotspot, tagged with the meeting. */
export function NewActionForm({
  meetingId,
  hotspot,
}: {
  meetingId: string;
  hotspot: NonNullable<AgendaItem['hotspot']>;
}) {
  const agencies = useAgencies();
  const create = useCreateMeetingAction(meetingId);
  const confirm = useChangeHotspot(hotspot.id);
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [priority, setPriority] = useState<ActionPriority>('pursue-disrupt');
  const [dueOn, setDueOn] = useState(toIsoDate(new Date(Date.now() + 28 * 86_400_000)));
  const [status, setStatus] = useState(hotspot.status);
  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Agree a new action
      </button>
    );
  }
  if (status === 'proposed' || status === 'closed') {
    return (
      <div className="new-action">
        <p>Actions can be assigned once the hotspot is confirmed.</p>
        <FormError error={confirm.error} />
        {status === 'proposed' && (
          <button
            type="button"
            className="button button--primary"
            disabled={confirm.isPending}
            onClick={() =>
              confirm.mutate(
                { status: 'confirmed', reason: 'Confirmed at the tasking meeting' },
                { onSuccess: () => setStatus('confirmed') },
              )
            }
          >
            Confirm the hotspot
          </button>
        )}
      </div>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { hotspotId: hotspot.id, title: title.trim(), agencyId, priority, dueOn },
      { onSuccess: () => setTitle('') },
    );
  };
  return (
    <form className="new-action" onSubmit={submit} aria-labelledby="new-action-title">
      <h2 id="new-action-title">New action for {hotspot.name}</h2>
      <FormError error={create.error} />
      <label htmlFor="new-action-text">Action</label>
      <input
        id="new-action-text"
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        required
      />
      {fieldError(create.error, 'title') && (
        <p className="field-error">{fieldError(create.error, 'title')}</p>
      )}
      <div className="new-action__row">
        <div>
          <label htmlFor="new-action-agency">Agency</label>
          <select
            id="new-action-agency"
            value={agencyId}
            onChange={(e) => setAgencyId(e.target.value)}
            required
          >
            <option value="">Choose…</option>
            {agencies.data?.agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.code}: {a.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="new-action-priority">Priority</label>
          <select
            id="new-action-priority"
            value={priority}
            onChange={(e) => setPriority(e.target.value as ActionPriority)}
          >
            {ACTION_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="new-action-due">Due</label>
          <input
            id="new-action-due"
            type="date"
            value={dueOn}
            onChange={(e) => setDueOn(e.target.value)}
            required
          />
        </div>
      </div>
      <button type="submit" className="button button--primary" disabled={create.isPending}>
        Assign action
      </button>
      {create.isSuccess && (
        <p role="status" className="hint">
          Action assigned.
        </p>
      )}
    </form>
  );
}
