import { type FormEvent, useState } from 'react';
import { fieldError, SavedNotice, SelectField, TextField } from '../../ui/fields.tsx';
import { FormError } from '../../ui/notices.tsx';
import { ACTION_PRIORITIES, type ActionPriority, PRIORITY_LABELS } from '../actions/actions-api.ts';
import { labelFor, useTaxonomy } from '../map/taxonomy-api.ts';
import {
  type HotspotDetail,
  useAgencies,
  useAssignAction,
  useSuggestedActions,
} from './hotspots-api.ts';

/** Assigns an action of the hotspot to an agency, from a suggestion or written afresh. */
export function AssignActionForm({ hotspot }: { hotspot: HotspotDetail }) {
  const assign = useAssignAction(hotspot.id);
  const agencies = useAgencies();
  const suggestions = useSuggestedActions();
  const taxonomy = useTaxonomy();
  const [priority, setPriority] = useState<ActionPriority>('prevention-education');
  const [agencyId, setAgencyId] = useState('');
  const [title, setTitle] = useState('');
  const [detail, setDetail] = useState('');
  const [dueOn, setDueOn] = useState('');
  const [saved, setSaved] = useState(false);
  if (!['confirmed', 'tasked', 'monitoring'].includes(hotspot.status)) {
    return <p className="hint">Confirm the hotspot to assign actions.</p>;
  }
  const applySuggestion = (id: string) => {
    const s = suggestions.data?.suggestions.find((x) => x.id === id);
    if (!s) return;
    setPriority(s.priority);
    setTitle(s.title);
    setDetail(s.detail ?? '');
    const agency = agencies.data?.agencies.find((a) => a.kind === s.agencyKind);
    if (agency) setAgencyId(agency.id);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    assign.mutate(
      { priority, agencyId, title, dueOn, ...(detail.trim() ? { detail } : {}) },
      {
        onSuccess: () => {
          setTitle('');
          setDetail('');
          setSaved(true);
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Assign an action">
      <h3>Assign an action</h3>
      {suggestions.data && suggestions.data.suggestions.length > 0 && (
        <SelectField
          label="Start from a suggestion"
          value=""
          onChange={(e) => applySuggestion(e.currentTarget.value)}
          options={[
            { value: '', label: 'Choose a suggested action…' },
            ...suggestions.data.suggestions.map((s) => ({
              value: s.id,
              label: `${labelFor(taxonomy.data?.placeTypes, s.placeType)}: ${s.title}`,
            })),
          ]}
        />
      )}
      <div className="form-grid">
        <SelectField
          label="Priority"
          value={priority}
          onChange={(e) => setPriority(e.currentTarget.value as ActionPriority)}
          options={ACTION_PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
        />
        <SelectField
          label="Agency"
          value={agencyId}
          onChange={(e) => setAgencyId(e.currentTarget.value)}
          error={fieldError(assign.error, 'agencyId')}
          options={[
            { value: '', label: 'Choose…' },
            ...(agencies.data?.agencies ?? []).map((a) => ({ value: a.id, label: a.name })),
          ]}
        />
        <TextField
          label="Title"
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={fieldError(assign.error, 'title')}
        />
        <TextField
          label="Due on"
          type="date"
          value={dueOn}
          onChange={(e) => setDueOn(e.currentTarget.value)}
          error={fieldError(assign.error, 'dueOn')}
        />
      </div>
      <div className="field">
        <label htmlFor="action-detail">Detail</label>
        <textarea
          id="action-detail"
          rows={3}
          maxLength={4000}
          value={detail}
          onChange={(e) => setDetail(e.currentTarget.value)}
        />
      </div>
      <FormError error={assign.error} />
      <button
        type="submit"
        className="button button--primary button--small"
        disabled={assign.isPending || !agencyId || !title || !dueOn}
      >
        Assign
      </button>
      <SavedNotice show={saved}>Action assigned; the agency has been notified.</SavedNotice>
    </form>
  );
}
