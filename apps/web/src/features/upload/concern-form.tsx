import { type FormEvent, useId, useState } from 'react';
import { useMe, usePartnership } from '../../api/queries.ts';
import { fieldError, SavedNotice, SelectField, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { formatDay } from '../actions/actions-api.ts';
import { type ConcernLocation, useCreateRecord, useTemplateDocs } from './batches-api.ts';
import { PointsMap } from './points-map.tsx';

type LocationForm = 'map' | 'lnglat' | 'bng' | 'gridref';

const LOCATION_FORMS: readonly { value: LocationForm; label: string }[] = [
  { value: 'map', label: 'Click on the map' },
  { value: 'lnglat', label: 'Longitude and latitude' },
  { value: 'bng', label: 'Easting and northing' },
  { value: 'gridref', label: 'OS grid reference' },
];

const SOURCE_GRADES = [
  { value: '1', label: '1: reliable' },
  { value: '2', label: '2: untested' },
  { value: '3', label: '3: not reliable' },
];
const INTELLIGENCE_GRADES = [
  { value: 'A', label: 'A: known directly' },
  { value: 'B', label: 'B: known indirectly, corroborated' },
  { value: 'C', label: 'C: known indirectly' },
  { value: 'D', label: 'D: not known' },
  { value: 'E', label: 'E: suspected false' },
];
const HANDLING_CODES = [
  { value: 'P', label: 'P: may be shared lawfully' },
  { value: 'C', label: 'C: conditions apply' },
];

const today = () => new Date().toISOString().slice(0, 10);

/** Numbers typed by a person: empty or not a number gives NaN, which the API refuses clearly. */
const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text.trim()));

/**
 * One concern, checked by the same rules as an uploaded row and committed at once. The location
 * can be clicked on the map or typed in any supported form.
 */
export function ConcernForm() {
  const docs = useTemplateDocs();
  const me = useMe();
  const partnership = usePartnership();
  const create = useCreateRecord();
  const id = useId();
  const [form, setForm] = useState({
    reportedOn: today(),
    occurredFrom: '',
    category: '',
    placeType: '',
    sourceAgency: '',
    sourceGrade: '2',
    intelligenceGrade: 'B',
    handlingCode: 'P',
    summary: '',
    lng: '',
    lat: '',
    easting: '',
    northing: '',
    gridRef: '',
  });
  const [locationForm, setLocationForm] = useState<LocationForm>('map');
  const [recorded, setRecorded] = useState<string | undefined>();
  // Required choices are checked before sending, so each empty one is marked beside itself.
  const [missing, setMissing] = useState<{ category?: string; placeType?: string }>({});
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  if (docs.isPending) return <LoadingNotice what="the concern form" />;
  if (docs.isError) return <ErrorNotice error={docs.error} what="the concern form" />;
  const vocabulary = docs.data.vocabulary;
  const options = (items: readonly { code: string; label: string }[]) => [
    { value: '', label: 'Choose…' },
    ...items.map((i) => ({ value: i.code, label: i.label })),
  ];
  const agency = form.sourceAgency || me.data?.agency.code || '';

  const location = (): ConcernLocation => {
    switch (locationForm) {
      case 'bng':
        return { easting: toNumber(form.easting), northing: toNumber(form.northing) };
      case 'gridref':
        return { gridRef: form.gridRef };
      default:
        return { lng: toNumber(form.lng), lat: toNumber(form.lat) };
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setRecorded(undefined);
    const empty = {
      ...(form.category ? {} : { category: 'Choose what was observed.' }),
      ...(form.placeType ? {} : { placeType: 'Choose the type of place.' }),
    };
    setMissing(empty);
    if (Object.keys(empty).length > 0) return;
    create.mutate(
      {
        reportedOn: form.reportedOn,
        occurredFrom: form.occurredFrom ? form.occurredFrom.replace('T', ' ') : null,
        occurredTo: null,
        location: location(),
        category: form.category,
        placeType: form.placeType,
        sourceAgency: agency,
        sourceGrade: form.sourceGrade,
        intelligenceGrade: form.intelligenceGrade,
        handlingCode: form.handlingCode,
        summary: form.summary.trim() === '' ? null : form.summary,
      },
      {
        onSuccess: (result) => {
          setRecorded(`Recorded. Review due on ${formatDay(result.reviewOn)}.`);
          set({ summary: '', lng: '', lat: '', easting: '', northing: '', gridRef: '' });
        },
      },
    );
  };
  const picked =
    locationForm === 'map' && form.lng !== '' && form.lat !== ''
      ? [{ key: 'picked', lng: Number(form.lng), lat: Number(form.lat), label: 'Chosen location' }]
      : [];
  const locationError = fieldError(create.error, 'location');

  return (
    <section aria-labelledby={`${id}-heading`} className="concern-section">
      <h2 id={`${id}-heading`}>Record a single concern</h2>
      <p>Checked by the same rules as an uploaded row, and added to the map at once.</p>
      <form onSubmit={submit} className="concern-form" noValidate>
        <div className="concern-grid">
          <TextField
            label="Reported on"
            type="date"
            required
            value={form.reportedOn}
            onChange={(e) => set({ reportedOn: e.currentTarget.value })}
            error={fieldError(create.error, 'reportedOn')}
          />
          <TextField
            label="Happened at (optional)"
            type="datetime-local"
            value={form.occurredFrom}
            onChange={(e) => set({ occurredFrom: e.currentTarget.value })}
            error={fieldError(create.error, 'occurredFrom')}
          />
          <SelectField
            label="What was observed"
            options={options(vocabulary.categories)}
            value={form.category}
            onChange={(e) => set({ category: e.currentTarget.value })}
            error={missing.category ?? fieldError(create.error, 'category')}
          />
          <SelectField
            label="Type of place"
            options={options(vocabulary.placeTypes)}
            value={form.placeType}
            onChange={(e) => set({ placeType: e.currentTarget.value })}
            error={missing.placeType ?? fieldError(create.error, 'placeType')}
          />
          <SelectField
            label="Source agency"
            options={vocabulary.agencies.map((a) => ({
              value: a.code,
              label: `${a.code} — ${a.label}`,
            }))}
            value={agency}
            onChange={(e) => set({ sourceAgency: e.currentTarget.value })}
            error={fieldError(create.error, 'sourceAgency')}
          />
          <SelectField
            label="Source evaluation"
            options={SOURCE_GRADES}
            value={form.sourceGrade}
            onChange={(e) => set({ sourceGrade: e.currentTarget.value })}
          />
          <SelectField
            label="Intelligence assessment"
            options={INTELLIGENCE_GRADES}
            value={form.intelligenceGrade}
            onChange={(e) => set({ intelligenceGrade: e.currentTarget.value })}
          />
          <SelectField
            label="Handling code"
            options={HANDLING_CODES}
            value={form.handlingCode}
            onChange={(e) => set({ handlingCode: e.currentTarget.value })}
          />
        </div>
        <div className={`field ${fieldError(create.error, 'summary') ? 'field--error' : ''}`}>
          <label htmlFor={`${id}-summary`}>Short anonymised summary (optional)</label>
          <p className="hint" id={`${id}-summary-hint`}>
            No names, phone numbers, emails, dates of birth, full postcodes or vehicle
            registrations. At most 500 characters.
          </p>
          {fieldError(create.error, 'summary') && (
            <p className="field-error" id={`${id}-summary-error`}>
              {fieldError(create.error, 'summary')}
            </p>
          )}
          <textarea
            id={`${id}-summary`}
            rows={3}
            maxLength={500}
            aria-describedby={`${id}-summary-hint${fieldError(create.error, 'summary') ? ` ${id}-summary-error` : ''}`}
            value={form.summary}
            onChange={(e) => set({ summary: e.currentTarget.value })}
          />
        </div>
        <fieldset className="fieldset">
          <legend>Location</legend>
          {locationError && <p className="field-error">{locationError}</p>}
          <div className="radio-row">
            {LOCATION_FORMS.map((f) => (
              <label key={f.value}>
                <input
                  type="radio"
                  name={`${id}-location-form`}
                  value={f.value}
                  checked={locationForm === f.value}
                  onChange={() => setLocationForm(f.value)}
                />{' '}
                {f.label}
              </label>
            ))}
          </div>
          {locationForm === 'map' && (
            <>
              <p className="hint">
                Click the place on the map.{' '}
                {picked.length > 0
                  ? `Chosen: ${Number(form.lng).toFixed(5)}, ${Number(form.lat).toFixed(5)}.`
                  : 'Nothing chosen yet.'}{' '}
                Keyboard users can type the coordinates instead.
              </p>
              <PointsMap
                name="Map to choose the location of the concern"
                fallbackBbox={partnership.data?.bbox ?? null}
                points={picked}
                fitToPoints={false}
                onPick={(lng, lat) => set({ lng: lng.toFixed(6), lat: lat.toFixed(6) })}
              />
            </>
          )}
          {locationForm === 'lnglat' && (
            <div className="concern-grid">
              <TextField
                label="Longitude"
                inputMode="decimal"
                hint="e.g. -2.2486"
                value={form.lng}
                onChange={(e) => set({ lng: e.currentTarget.value })}
              />
              <TextField
                label="Latitude"
                inputMode="decimal"
                hint="e.g. 52.3886"
                value={form.lat}
                onChange={(e) => set({ lat: e.currentTarget.value })}
              />
            </div>
          )}
          {locationForm === 'bng' && (
            <div className="concern-grid">
              <TextField
                label="Easting"
                inputMode="numeric"
                hint="metres, e.g. 383150"
                value={form.easting}
                onChange={(e) => set({ easting: e.currentTarget.value })}
              />
              <TextField
                label="Northing"
                inputMode="numeric"
                hint="metres, e.g. 276580"
                value={form.northing}
                onChange={(e) => set({ northing: e.currentTarget.value })}
              />
            </div>
          )}
          {locationForm === 'gridref' && (
            <TextField
              label="OS grid reference"
              hint="2 letters and 2 to 10 digits, e.g. SO 8315 7658"
              value={form.gridRef}
              onChange={(e) => set({ gridRef: e.currentTarget.value })}
            />
          )}
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            Record the concern
          </button>
        </div>
        <FormError error={create.error} />
        <SavedNotice show={recorded !== undefined}>{recorded}</SavedNotice>
      </form>
    </section>
  );
}
