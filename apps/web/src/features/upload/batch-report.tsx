import { useEffect, useState } from 'react';
import { usePartnership } from '../../api/queries.ts';
import { Link } from '../../routing/router.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { DEFAULT_MAP_VIEW_STATE, withMapViewState } from '../../url-state/map-view-state.ts';
import { addDays, addMonths } from '../../url-state/period.ts';
import { formatDay } from '../actions/actions-api.ts';
import { labelFor, useTaxonomy } from '../map/taxonomy-api.ts';
import type { CommitResult, RowError } from './batches-api.ts';
import {
  type BatchDetail,
  errorsCsvUrl,
  useBatch,
  useBatchPreview,
  useCommitBatch,
} from './batches-api.ts';
import { PointsMap } from './points-map.tsx';
import { n, STATUS_NAMES } from './upload-format.ts';

// A batch's validation report (its problems, rows due on arrival), its map preview and commit.

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

export function BatchReport({ id }: { id: string }) {
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
