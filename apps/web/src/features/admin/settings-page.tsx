import { type FormEvent, useState } from 'react';
import { fieldError, SavedNotice, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { type Settings, useChangeSettings, useSettings } from './admin-api.ts';

/** "250, 500 1000" as sizes; anything not a whole number is sent as is for the API to name. */
export function parseSizes(text: string): number[] {
  return text
    .split(/[\s,;]+/)
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : Number.NaN));
}

function SettingsForm({ settings }: { settings: Settings }) {
  const change = useChangeSettings();
  const [k, setK] = useState(String(settings.suppressionK));
  const [months, setMonths] = useState(String(settings.retentionMonths));
  const [mfaRequired, setMfaRequired] = useState(settings.mfaRequired);
  const [hexSizes, setHexSizes] = useState(settings.publishedHexSizes.join(', '));
  const [saved, setSaved] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    change.mutate(
      {
        suppressionK: Number(k),
        retentionMonths: Number(months),
        mfaRequired,
        publishedHexSizes: parseSizes(hexSizes),
      },
      { onSuccess: () => setSaved(true) },
    );
  };
  const e = change.error;
  return (
    <form onSubmit={submit} noValidate>
      <FormError error={e} />
      <TextField
        label="Suppression threshold (k)"
        hint="Counts below k are never shown to non-analysts, only as “fewer than k”. At least 2."
        type="number"
        inputMode="numeric"
        min={2}
        max={100}
        step={1}
        value={k}
        onChange={(ev) => setK(ev.currentTarget.value)}
        error={fieldError(e, 'suppressionK')}
      />
      <TextField
        label="Retention period (months)"
        hint="New records are due for review this long after they were reported."
        type="number"
        inputMode="numeric"
        min={1}
        max={120}
        step={1}
        value={months}
        onChange={(ev) => setMonths(ev.currentTarget.value)}
        error={fieldError(e, 'retentionMonths')}
      />
      <TextField
        label="Published hexagon sizes (metres)"
        hint="What chairs, viewers and partners see is counted on hexagons of these sizes (across the corners; at least 100 m, up to six sizes, e.g. 250, 500, 1000). Changing them recounts the published table."
        inputMode="numeric"
        value={hexSizes}
        onChange={(ev) => setHexSizes(ev.currentTarget.value)}
        error={fieldError(e, 'publishedHexSizes')}
      />
      <fieldset className="fieldset">
        <legend>Second factor</legend>
        <div className="field field--checkbox">
          <input
            id="mfa-required"
            type="checkbox"
            checked={mfaRequired}
            onChange={(ev) => setMfaRequired(ev.currentTarget.checked)}
          />
          <label htmlFor="mfa-required">
            Require an authenticator app for every user (recommended)
          </label>
        </div>
        {!mfaRequired && (
          <p className="notice notice--warning">
            Without a second factor, a stolen password is enough to see this partnership's data.
            Relax it only for demonstrations.
          </p>
        )}
      </fieldset>
      <button type="submit" className="button button--primary" disabled={change.isPending}>
        Save settings
      </button>
      <SavedNotice show={saved}>Settings saved.</SavedNotice>
    </form>
  );
}

export function SettingsPage() {
  const settings = useSettings();
  return (
    <div className="page page--narrow">
      <h1>Partnership settings</h1>
      {settings.isPending ? (
        <LoadingNotice what="settings" />
      ) : settings.isError ? (
        <ErrorNotice error={settings.error} what="settings" />
      ) : (
        <SettingsForm settings={settings.data} />
      )}
    </div>
  );
}
