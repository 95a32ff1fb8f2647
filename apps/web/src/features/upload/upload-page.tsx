import { type DragEvent, type FormEvent, useId, useRef, useState } from 'react';
import { isApiProblem } from '../../api/api-problem.ts';
import { fieldError, SelectField, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { BatchReport } from './batch-report.tsx';
import {
  type Batch,
  TEMPLATE_URL,
  type UploadProfile,
  type UploadProgress,
  uploadBatch,
  useBatches,
  useInvalidateBatches,
  useWithdrawBatch,
} from './batches-api.ts';
import { ConcernForm } from './concern-form.tsx';
import { TemplateColumns } from './template-columns.tsx';
import { formatBytes, formatDateTime, n, STATUS_NAMES } from './upload-format.ts';
import './upload.css';

const PROFILE_OPTIONS = [
  { value: '', label: 'Detect from the file' },
  { value: 'native-csv', label: 'Partnership template (CSV)' },
  { value: 'police-uk', label: 'police.uk street-level CSV' },
  { value: 'geojson', label: 'GeoJSON points' },
];

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
