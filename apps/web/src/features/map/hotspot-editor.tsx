import { type FormEvent, useState } from 'react';
import { isApiProblem } from '../../api/api-problem.ts';
import { HOTSPOT_STATUS_STYLES, type HotspotStatus } from '../../map/layer-styles.ts';
import { describeError, FormError } from '../../ui/notices.tsx';
import { useHotspot } from '../hotspots/hotspots-api.ts';
import { useUpdateHotspot } from './hotspot-api.ts';

const RISKS = [
  { value: 'low', label: 'Low' },
  { value: 'medium', label: 'Medium' },
  { value: 'high', label: 'High' },
  { value: 'very-high', label: 'Very high' },
] as const;

/** A hotspot's name, status (with a reason), risk and review date, edited from the map panel. */
export function HotspotEditor({ id }: { readonly id: string }) {
  const hotspot = useHotspot(id);
  const update = useUpdateHotspot(id);
  const [saved, setSaved] = useState(false);
  if (hotspot.isPending) return <p role="status">Loading the hotspot…</p>;
  if (hotspot.isError) return <p className="field-error">{describeError(hotspot.error)}</p>;
  const h = hotspot.data;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    const status = String(form.get('status') ?? h.status);
    const reason = String(form.get('reason') ?? '').trim();
    const risk = String(form.get('risk') ?? '');
    const reviewOn = String(form.get('reviewOn') ?? '');
    const change: Record<string, unknown> = {};
    if (name && name !== h.name) change.name = name;
    if (status !== h.status) {
      change.status = status;
      change.reason = reason;
    }
    if ((risk || null) !== h.risk) change.risk = risk || null;
    if ((reviewOn || null) !== h.reviewOn) change.reviewOn = reviewOn || null;
    if (Object.keys(change).length === 0) return;
    setSaved(false);
    update.mutate(change, { onSuccess: () => setSaved(true) });
  };
  const fieldError = (f: string) =>
    isApiProblem(update.error) ? update.error.fieldError(f) : undefined;
  return (
    <form className="hotspot-editor" onSubmit={submit} key={`${h.id}-${h.status}-${h.name}`}>
      <h4>Edit hotspot</h4>
      <FormError error={update.error} />
      <div className="field field--compact">
        <label htmlFor="hs-name">Name</label>
        <input id="hs-name" name="name" defaultValue={h.name} maxLength={200} required />
      </div>
      <div className="field field--compact">
        <label htmlFor="hs-status">Status</label>
        <select id="hs-status" name="status" defaultValue={h.status}>
          <option value={h.status}>
            {HOTSPOT_STATUS_STYLES[h.status as HotspotStatus]?.label ?? h.status} (current)
          </option>
          {h.allowedTransitions.map((s) => (
            <option key={s} value={s}>
              {HOTSPOT_STATUS_STYLES[s as HotspotStatus]?.label ?? s}
            </option>
          ))}
        </select>
      </div>
      <div className={`field field--compact ${fieldError('reason') ? 'field--error' : ''}`}>
        <label htmlFor="hs-reason">Reason for a status change</label>
        {fieldError('reason') && <p className="field-error">{fieldError('reason')}</p>}
        <input id="hs-reason" name="reason" maxLength={2000} />
      </div>
      <div className="field field--compact">
        <label htmlFor="hs-risk">Risk</label>
        <select id="hs-risk" name="risk" defaultValue={h.risk ?? ''}>
          <option value="">Not rated</option>
          {RISKS.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--compact">
        <label htmlFor="hs-review">Review date</label>
        <input id="hs-review" name="reviewOn" type="date" defaultValue={h.reviewOn ?? ''} />
      </div>
      <button
        type="submit"
        className="button button--primary button--small"
        disabled={update.isPending}
      >
        {update.isPending ? 'Saving…' : 'Save changes'}
      </button>
      {saved && (
        <p role="status" className="hint">
          Saved.
        </p>
      )}
      {h.actions.length > 0 && (
        <>
          <h4>Actions</h4>
          <ul className="plain-list">
            {h.actions.map((a) => (
              <li key={a.id}>
                {a.title} — {a.agency.code}, {a.status.replace('_', ' ')}
                {a.overdue ? ' (overdue)' : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </form>
  );
}
