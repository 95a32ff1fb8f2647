import { type DragEvent, type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { isApiProblem } from '../../api/api-problem.ts';
import { usePartnership } from '../../api/queries.ts';
import { Link } from '../../routing/router.tsx';
import { fieldError, SelectField, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { DEFAULT_MAP_VIEW_STATE, withMapViewState } from '../../url-state/map-view-state.ts';
import { addDays, addMonths } from '../../url-state/period.ts';
import { formatDay } from '../actions/actions-api.ts';
import { labelFor, useTaxonomy } from '../map/taxonomy-api.ts';
import type { CommitResult, RowError } from './batches-api.ts';
import {
  type Batch,
  type BatchDetail,
  errorsCsvUrl,
  TEMPLATE_URL,
  type UploadProfile,
  type UploadProgress,
  uploadBatch,
  useBatch,
  useBatches,
  useBatchPreview,
  useCommitBatch,
  useInvalidateBatches,
  useTemplateDocs,
  useWithdrawBatch,
} from './batches-api.ts';
import { ConcernForm } from './concern-form.tsx';
import { PointsMap } from './points-map.tsx';
import './upload.css';

const PROFILE_OPTIONS = [
  { value: '', label: 'Detect from the file' },
  { value: 'native-csv', label: 'Partnership template (CSV)' },
  { value: 'police-uk', label: 'police.uk street-level CSV' },
  { value: 'geojson', label: 'GeoJSON points' },
];

const STATUS_NAMES: Readonly<Record<Batch['status'], string>> = {
  validated: 'Checked, not committed',
  committed: 'Committed',
  rejected: 'Rejected (no valid rows)',
  withdrawn: 'Withdrawn',
};

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
const formatDateTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const n = (value: number) => value.toLocaleString('en-GB');

export function UploadPage() {
  const [currentId, setCurrentId] = useState<string | undefined>();
  return (
    <div className="page page--wide upload-page">
      <h1>Upload intelligence</h1>
      <UploadForm onUploaded={setCurrentId} />
      {currentId && <BatchReport key={currentId} id={currentId} />}
      <BatchHistory onOpen={setCurrentId} currentId={currentId} />
      <ConcernForm />
    </div>
  );
}

function UploadForm({ onUploaded }: { onUploaded: (id: string) => void }) {
  const [file, setFile] = useState<File | undefined>();
  const [profile, setProfile] = useState('');
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | undefined>();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>();
  const inputRef = useRef<HTMLInputElement>(null);
  const invalidate = useInvalidateBatches();
  const inputId = useId();

  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    setError(undefined);
    setProgress(undefined);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setSending(true);
    setError(undefined);
    try {
      const batch = await uploadBatch(
        file,
        (profile || undefined) as UploadProfile | undefined,
        setProgress,
      );
      await invalidate();
      onUploaded(batch.id);
      choose(undefined);
      if (inputRef.current) inputRef.current.value = '';
    } catch (caught) {
      setError(caught);
    } finally {
      setSending(false);
    }
  };
  const percent =
    progress && progress.totalBytes > 0
      ? Math.round((progress.loadedBytes / progress.totalBytes) * 100)
      : 0;
  const fileErrors = isApiProblem(error) ? error.errors : [];

  return (
    <section aria-labelledby="upload-heading" className="upload-section">
      <h2 id="upload-heading">Upload a file</h2>
      <p>
        Files are checked row by row before anything is added to the map. Nothing is added until you
        commit the checked batch.
      </p>
      <form onSubmit={submit} className="upload-form">
        <fieldset
          // The file input inside is the keyboard way in; dropping is the mouse shortcut.
          className={`drop-zone ${dragging ? 'drop-zone--active' : ''}`}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="drop-zone"
        >
          <legend className="visually-hidden">File to upload</legend>
          <label htmlFor={inputId}>
            <strong>Choose a file</strong> or drag it here (CSV or GeoJSON, up to 50 MB and 500,000
            rows)
          </label>
          <input
            id={inputId}
            ref={inputRef}
            type="file"
            accept=".csv,.txt,.geojson,.json,text/csv,application/geo+json"
            onChange={(event) => choose(event.currentTarget.files?.[0])}
          />
          {file && (
            <p className="drop-zone-file" aria-live="polite">
              Selected: {file.name} ({formatBytes(file.size)})
            </p>
          )}
        </fieldset>
        <SelectField
          label="File type"
          hint="Detected from the columns when left on “Detect”."
          options={PROFILE_OPTIONS}
          value={profile}
          onChange={(event) => setProfile(event.currentTarget.value)}
        />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={!file || sending}>
            Upload and check
          </button>
          <a className="button" href={TEMPLATE_URL} download>
            Download the template
          </a>
        </div>
        {sending && (
          <div className="upload-progress">
            <label htmlFor={`${inputId}-progress`}>
              {percent < 100 ? `Uploading… ${percent}%` : 'Checking rows…'}
            </label>
            <progress id={`${inputId}-progress`} max={100} value={percent} />
          </div>
        )}
        {error !== undefined && (
          <div className="form-error" role="alert" data-testid="upload-error">
            <p>
              <strong>The file was not accepted.</strong>{' '}
              {isApiProblem(error) ? error.userMessage : 'Something went wrong.'}
            </p>
            {fileErrors.length > 0 && (
              <ul>
                {fileErrors.map((e) => (
                  <li key={`${e.pointer}${e.detail}`}>{e.detail}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </form>
      <TemplateColumns />
    </section>
  );
}

function TemplateColumns() {
  const docs = useTemplateDocs();
  return (
    <details className="template-columns">
      <summary>Template columns and allowed codes</summary>
      {docs.isPending && <LoadingNotice what="the column list" />}
      {docs.isError && <ErrorNotice error={docs.error} what="the column list" />}
      {docs.data && (
        <>
          <p>
            Each row needs exactly one location: longitude and latitude, or easting and northing
            (British National Grid), or an OS grid reference such as “SO 8315 7658”. Excel files
            saved as CSV (UTF-8 or Windows) work as they are.
          </p>
          <table className="table table--compact">
            <caption className="visually-hidden">Template columns</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Needed</th>
                <th scope="col">Format</th>
                <th scope="col">Meaning</th>
              </tr>
            </thead>
            <tbody>
              {docs.data.columns.map((c) => (
                <tr key={c.name}>
                  <th scope="row">
                    <code>{c.name}</code>
                  </th>
                  <td>
                    {c.required === 'yes' ? 'Yes' : c.required === 'location' ? 'Location' : 'No'}
                  </td>
                  <td>{c.format}</td>
                  <td>{c.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <CodeList title="Categories" items={docs.data.vocabulary.categories} />
          <CodeList title="Place types" items={docs.data.vocabulary.placeTypes} />
          <CodeList title="Agencies" items={docs.data.vocabulary.agencies} />
        </>
      )}
    </details>
  );
}

function CodeList({
  title,
  items,
}: {
  title: string;
  items: readonly { code: string; label: string }[];
}) {
  return (
    <>
      <h3>{title}</h3>
      <ul className="code-list">
        {items.map((i) => (
          <li key={i.code}>
            <code>{i.code}</code> {i.label}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Elapsed whole seconds while `running`, for the commit indicator. */
function useElapsedSeconds(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    setSeconds(0);
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 500);
    return () => clearInterval(timer);
  }, [running]);
  return seconds;
}

/** The problem code of a row located outside the partnership area. */
const OUTSIDE_AREA = 'outside-area';

/** Row problems in words (the codes are the API's; packages/contracts ROW_ERROR_CODES). */
const PROBLEM_LABELS: Readonly<Record<string, string>> = {
  required: 'A required value is missing',
  'invalid-date': 'Date not recognised',
  'future-date': 'Date in the future',
  'date-before-2000': 'Date before 2000',
  'date-order': 'Dates in the wrong order',
  'invalid-number': 'Not a number',
  'invalid-coordinate': 'Coordinates out of range',
  'no-location': 'No location',
  'multiple-locations': 'More than one location',
  'lat-lng-swapped': 'Latitude and longitude swapped',
  'easting-northing-swapped': 'Easting and northing swapped',
  'outside-area': 'Outside the partnership area',
  'invalid-grid-reference': 'Grid reference not recognised',
  'invalid-precision': 'Location precision not recognised',
  'unknown-category': 'Category not in the taxonomy',
  'unknown-place-type': 'Place type not in the taxonomy',
  'unknown-agency': 'Agency not known',
  'invalid-grading': 'Grading not recognised',
  'invalid-reference': 'Reference not accepted',
  'personal-data': 'Looks like personal data',
  'formula-injection': 'Starts like a spreadsheet formula',
  'too-long': 'Text too long',
  'too-many-fields': 'More fields than columns',
  'duplicate-row': 'Same as an earlier row',
  'invalid-feature': 'Not a valid GeoJSON feature',
};

/** Where a row is, as far as it could be read: its place description and coordinates. */
function rowWhere(error: RowError): string {
  const at = error.at ? `${error.at.lat.toFixed(5)}, ${error.at.lng.toFixed(5)}` : null;
  return [error.place, at].filter(Boolean).join(' · ') || 'Not readable';
}

function BatchReport({ id }: { id: string }) {
  const batch = useBatch(id);
  if (batch.isPending) return <LoadingNotice what="the check results" />;
  if (batch.isError) return <ErrorNotice error={batch.error} what="the check results" />;
  return <BatchReportView batch={batch.data} />;
}

function BatchReportView({ batch }: { batch: BatchDetail }) {
  const commit = useCommitBatch();
  const elapsed = useElapsedSeconds(commit.isPending);
  const [showPreview, setShowPreview] = useState(false);
  const firstMessage = (code: string) => batch.errors.find((e) => e.code === code)?.message;
  // Rows outside the area are counted apart: they are not mistakes to fix.
  const problemCounts = batch.errorCounts.filter((e) => e.code !== OUTSIDE_AREA);
  const rowProblems = batch.errors.filter((e) => e.code !== OUTSIDE_AREA);
  return (
    <section aria-labelledby="report-heading" className="batch-report" data-testid="batch-report">
      <h2 id="report-heading">Check results: {batch.fileName}</h2>
      <p>
        Status: <strong data-testid="batch-status">{STATUS_NAMES[batch.status]}</strong>
      </p>
      <dl className="counts">
        <div>
          <dt>Rows</dt>
          <dd>{n(batch.rows.total)}</dd>
        </div>
        <div>
          <dt>Valid</dt>
          <dd data-testid="count-valid">{n(batch.rows.valid)}</dd>
        </div>
        <div>
          <dt>With problems</dt>
          <dd data-testid="count-invalid">{n(batch.rows.invalid - batch.rows.outside)}</dd>
        </div>
        <div>
          <dt>Outside the area</dt>
          <dd data-testid="count-outside">{n(batch.rows.outside)}</dd>
        </div>
        <div>
          <dt>Skipped</dt>
          <dd>{n(batch.rows.skipped)}</dd>
        </div>
      </dl>
      {batch.skippedCounts.length > 0 && (
        <p className="hint">
          Skipped on purpose:{' '}
          {batch.skippedCounts
            .map(
              (s) =>
                `${n(s.count)} ${s.reason === 'no-location' ? 'without a location' : s.reason}`,
            )
            .join(', ')}
          .
        </p>
      )}
      {batch.outsideAreaRows > 0 && (
        <p className="hint" data-testid="outside-note">
          {n(batch.outsideAreaRows)} {batch.outsideAreaRows === 1 ? 'row is' : 'rows are'} outside
          the partnership area and will not be added: expected from a force-wide file, nothing to
          fix.
        </p>
      )}
      {problemCounts.length > 0 && (
        <>
          <h3>Problems found</h3>
          <table className="table table--compact" data-testid="error-summary">
            <caption className="visually-hidden">Problems by kind</caption>
            <thead>
              <tr>
                <th scope="col">Problem</th>
                <th scope="col">Rows</th>
                <th scope="col">Example message</th>
              </tr>
            </thead>
            <tbody>
              {problemCounts.map((e) => (
                <tr key={e.code}>
                  <th scope="row">{PROBLEM_LABELS[e.code] ?? e.code}</th>
                  <td>{n(e.count)}</td>
                  <td>{firstMessage(e.code) ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href={errorsCsvUrl(batch.id)} download>
              Download every problem (errors.csv)
            </a>
          </p>
          <details open={rowProblems.length <= 20}>
            <summary>
              First {Math.min(rowProblems.length, 100)} problems by row, with where each row is
            </summary>
            <div className="table-scroll">
              <table className="table table--compact" data-testid="row-problems">
                <caption className="visually-hidden">Problems by row</caption>
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Field</th>
                    <th scope="col">Where</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {rowProblems.slice(0, 100).map((e) => (
                    <tr key={`${e.row}-${e.column}-${e.code}`}>
                      <td>{e.row}</td>
                      <td>{e.column ?? 'Whole row'}</td>
                      <td>{rowWhere(e)}</td>
                      <td>{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
      {batch.dueOnArrival && batch.dueOnArrival.rows > 0 && (
        <p className="notice notice--warning" data-testid="due-on-arrival">
          {n(batch.dueOnArrival.rows)} of the {n(batch.rows.valid)} valid rows were reported on or
          before {formatDay(batch.dueOnArrival.reportedOnOrBefore)}, more than the partnership's{' '}
          {batch.dueOnArrival.retentionMonths} months' retention ago: they will arrive already due
          for review. After committing, keep or erase them on the{' '}
          <Link href="/review">Review page</Link>, a whole batch at once with one reason.
        </p>
      )}
      {batch.rows.valid > 0 && batch.status !== 'withdrawn' && (
        <div className="button-row">
          <button
            type="button"
            className="button"
            aria-expanded={showPreview}
            onClick={() => setShowPreview((v) => !v)}
          >
            {showPreview ? 'Hide the preview' : 'Preview the first rows'}
          </button>
          {batch.status === 'validated' && (
            <button
              type="button"
              className="button button--primary"
              disabled={commit.isPending || commit.isSuccess}
              onClick={() => commit.mutate(batch.id)}
            >
              Commit {n(batch.rows.valid)} valid rows
            </button>
          )}
        </div>
      )}
      <div role="status" aria-live="polite" className="commit-status">
        {commit.isPending && (
          <span className="spinner-line">
            <span className="spinner" aria-hidden="true" /> Committing… {elapsed} s
          </span>
        )}
        {commit.isSuccess && <CommitDone result={commit.data} />}
      </div>
      <FormError error={commit.error} />
      {showPreview && <BatchPreviewView id={batch.id} />}
    </section>
  );
}

/**
 * After a commit: how many records, a link to the map over their months (the map's default last
 * 12 months may not hold them), and a warning when some arrived already due for review.
 */
function CommitDone({ result }: { result: CommitResult }) {
  const { reportedFrom: from, reportedTo: to } = result;
  // Whole months, so the slider and Play step through exactly the batch's months.
  const mapHref =
    from && to
      ? `/map${withMapViewState('', { ...DEFAULT_MAP_VIEW_STATE, from: `${from.slice(0, 7)}-01`, to: endOfMonth(to) })}`
      : null;
  return (
    <span data-testid="commit-done">
      Committed: {n(result.recordsAdded)} records added to the map.{' '}
      {mapHref && <Link href={mapHref}>Show these records on the map</Link>}
      {result.alreadyDueForReview > 0 && (
        <span className="notice notice--warning commit-warning" data-testid="already-due">
          {n(result.alreadyDueForReview)} of them were already past their review date when they
          arrived. <Link href="/review">Review them now</Link> (keep or erase each).
        </span>
      )}
    </span>
  );
}

/** "2024-03-14" -> "2024-03-31". */
function endOfMonth(isoDate: string): string {
  return addDays(`${addMonths(`${isoDate.slice(0, 7)}-01`, 1)}`, -1);
}

function BatchPreviewView({ id }: { id: string }) {
  const preview = useBatchPreview(id);
  const partnership = usePartnership();
  const taxonomy = useTaxonomy();
  const category = (code: string) => labelFor(taxonomy.data?.categories, code);
  if (preview.isPending) return <LoadingNotice what="the preview" />;
  if (preview.isError) return <ErrorNotice error={preview.error} what="the preview" />;
  const features = preview.data.features;
  return (
    <div className="batch-preview">
      <h3>First {features.length} valid rows</h3>
      <PointsMap
        name="Map preview of the first valid rows"
        fallbackBbox={partnership.data?.bbox ?? null}
        points={features.map((f) => ({
          key: String(f.properties.row),
          lng: f.geometry.coordinates[0] as number,
          lat: f.geometry.coordinates[1] as number,
          label: `Row ${f.properties.row}: ${category(f.properties.category)}`,
        }))}
      />
      <div className="table-scroll">
        <table className="table table--compact" data-testid="preview-table">
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Reported</th>
              <th scope="col">Category</th>
              <th scope="col">Place type</th>
              <th scope="col">Precision</th>
              <th scope="col">Source</th>
              <th scope="col">Grading</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {features.map(({ properties: p }) => (
              <tr key={p.row}>
                <td>{p.row}</td>
                <td>{formatDay(p.reportedOn)}</td>
                <td>{category(p.category)}</td>
                <td>{labelFor(taxonomy.data?.placeTypes, p.placeType)}</td>
                <td>{p.precision}</td>
                <td>{labelFor(taxonomy.data?.agencies, p.sourceAgency)}</td>
                <td>
                  {p.sourceGrade}
                  {p.intelligenceGrade}
                  {p.handlingCode}
                </td>
                <td>{p.summary ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function BatchHistory({
  onOpen,
  currentId,
}: {
  onOpen: (id: string) => void;
  currentId: string | undefined;
}) {
  const batches = useBatches();
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Batch history</h2>
      {batches.isPending && <LoadingNotice what="the batches" />}
      {batches.isError && <ErrorNotice error={batches.error} what="the batches" />}
      {batches.data && batches.data.batches.length === 0 && <p>No batches yet.</p>}
      {batches.data && batches.data.batches.length > 0 && (
        <div className="table-scroll">
          <table className="table table--compact" data-testid="batch-history">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Uploaded</th>
                <th scope="col">Status</th>
                <th scope="col">Valid / problems / outside the area / skipped</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {batches.data.batches.map((b) => (
                <BatchRow key={b.id} batch={b} isCurrent={b.id === currentId} onOpen={onOpen} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function BatchRow({
  batch,
  isCurrent,
  onOpen,
}: {
  batch: Batch;
  isCurrent: boolean;
  onOpen: (id: string) => void;
}) {
  const withdraw = useWithdrawBatch();
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    withdraw.mutate({ id: batch.id, reason }, { onSuccess: () => setWithdrawing(false) });
  };
  return (
    <tr aria-current={isCurrent ? 'true' : undefined}>
      <th scope="row">{batch.fileName}</th>
      <td>
        {formatDateTime(batch.uploadedAt)} by {batch.uploadedBy.name}
      </td>
      <td>
        {STATUS_NAMES[batch.status]}
        {batch.status === 'withdrawn' && batch.withdrawnAt && (
          <span className="hint">
            {' '}
            {formatDateTime(batch.withdrawnAt)} by {batch.withdrawnBy?.name}: {batch.withdrawReason}
          </span>
        )}
      </td>
      <td>
        {n(batch.rows.valid)} / {n(batch.rows.invalid - batch.rows.outside)} /{' '}
        {n(batch.rows.outside)} / {n(batch.rows.skipped)}
      </td>
      <td>
        <div className="button-row">
          <button
            type="button"
            className="button button--small"
            onClick={() => onOpen(batch.id)}
            aria-label={`Open the results of ${batch.fileName}`}
          >
            Open
          </button>
          {batch.status !== 'withdrawn' && !withdrawing && (
            <button
              type="button"
              className="button button--small button--danger"
              onClick={() => setWithdrawing(true)}
              aria-label={`Withdraw ${batch.fileName}`}
            >
              Withdraw
            </button>
          )}
        </div>
        {withdrawing && (
          <form onSubmit={submit} className="inline-form" aria-label={`Withdraw ${batch.fileName}`}>
            <TextField
              label="Reason for withdrawing"
              hint={
                batch.status === 'committed'
                  ? `Its ${n(batch.rows.valid)} records will be deleted.`
                  : 'The checked rows will be discarded.'
              }
              required
              minLength={3}
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              error={fieldError(withdraw.error, 'reason')}
            />
            <div className="button-row">
              <button
                type="submit"
                className="button button--small button--danger"
                disabled={withdraw.isPending || reason.trim().length < 3}
              >
                Withdraw batch
              </button>
              <button
                type="button"
                className="button button--small"
                onClick={() => setWithdrawing(false)}
              >
                Cancel
              </button>
            </div>
            <FormError error={withdraw.error} />
          </form>
        )}
      </td>
    </tr>
  );
}
