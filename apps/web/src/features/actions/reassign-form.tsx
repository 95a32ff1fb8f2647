import { type FormEvent, useState } from 'react';
import { fieldError, SavedNotice, SelectField, TextField } from '../../ui/fields.tsx';
import { FormError } from '../../ui/notices.tsx';
import { useAgencies } from '../hotspots/hotspots-api.ts';
import {
  ACTION_PRIORITIES,
  type ActionDetail,
  type ActionPriority,
  PRIORITY_LABELS,
  useActionStep,
} from './actions-api.ts';

/**
 * The tasking group's "Reassign or reschedule" form: another agency (which must acknowledge the
 * action afresh and is notified), a new due date or priority, and a reason for the timeline.
 * Shown only when the server offers the `reassign` step (chairs and analysts, open actions).
 */
export function ReassignForm({ action }: { action: ActionDetail }) {
  const change = useActionStep(action.id);
  const agencies = useAgencies();
  const [agencyId, setAgencyId] = useState(action.agency.id);
  const [dueOn, setDueOn] = useState(action.dueOn);
  const [priority, setPriority] = useState<ActionPriority>(action.priority);
  const [reason, setReason] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const reasonError = fieldError(change.error, 'reason');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const moving = agencyId !== action.agency.id;
    change.mutate(
      { step: 'reassign', agencyId, dueOn, priority, reason },
      {
        onSuccess: (detail) => {
          setReason('');
          setSaved(
            moving
              ? `Reassigned to ${detail.agency.name}; the agency has been notified and must acknowledge it.`
              : 'Saved.',
          );
        },
      },
    );
  };
  // Until the list arrives, the current agency is the only choice (and stays selected).
  const agencyOptions = agencies.data?.agencies.map((a) => ({ value: a.id, label: a.name })) ?? [
    { value: action.agency.id, label: action.agency.name },
  ];
  return (
    <section className="panel" aria-labelledby="reassign-heading">
      <h2 id="reassign-heading">Reassign or reschedule</h2>
      <p className="hint">
        Moving the action to another agency resets its acknowledgement: that agency is notified and
        must acknowledge it, and {action.agency.name} no longer sees it.
      </p>
      <form onSubmit={submit} aria-label="Reassign or reschedule">
        <div className="form-grid">
          <SelectField
            label="Agency"
            value={agencyId}
            onChange={(e) => setAgencyId(e.currentTarget.value)}
            error={fieldError(change.error, 'agencyId')}
            options={agencyOptions}
          />
          <TextField
            label="Due on"
            type="date"
            value={dueOn}
            required
            onChange={(e) => setDueOn(e.currentTarget.value)}
            error={fieldError(change.error, 'dueOn')}
          />
          <SelectField
            label="Priority"
            value={priority}
            onChange={(e) => setPriority(e.currentTarget.value as ActionPriority)}
            error={fieldError(change.error, 'priority')}
            options={ACTION_PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
          />
        </div>
        <div className={`field ${reasonError ? 'field--error' : ''}`}>
          <label htmlFor="reassign-reason">Reason for the change</label>
          <p className="hint" id="reassign-reason-hint">
            Shown on the action's timeline. Do not include names or other personal details.
          </p>
          {reasonError && (
            <p className="field-error" id="reassign-reason-error">
              {reasonError}
            </p>
          )}
          <textarea
            id="reassign-reason"
            rows={2}
            maxLength={2000}
            value={reason}
            required
            aria-describedby={`reassign-reason-hint${reasonError ? ' reassign-reason-error' : ''}`}
            aria-invalid={reasonError ? true : undefined}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <FormError error={change.error} />
        <button type="submit" className="button button--small" disabled={change.isPending}>
          Save changes
        </button>
        <SavedNotice show={saved !== null}>{saved}</SavedNotice>
      </form>
    </section>
  );
}
