import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { apiFetch } from '../../api/api-fetch.ts';
import { fieldError, SavedNotice, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { formatDay } from '../actions/actions-api.ts';
import { labelFor, useTaxonomy } from '../map/taxonomy-api.ts';

export interface DueRecord {
  readonly id: string;
  readonly batchId: string;
  readonly reportedOn: string;
  readonly reviewOn: string;
  readonly category: string;
  readonly placeType: string;
  readonly precision: string;
  readonly sourceAgency: string;
  readonly summary: string | null;
  readonly retainedTimes: number;
}

const DUE_KEY = ['records', 'review-due'] as const;

function useDueRecords(before: string) {
  return useQuery({
    queryKey: [...DUE_KEY, before],
    queryFn: ({ signal }) =>
      apiFetch<{ before: string; records: DueRecord[] }>(
        `/api/records/review-due?before=${encodeURIComponent(before)}`,
        { signal },
      ),
  });
}

function useRetain() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason, reviewOn }: { id: string; reason: string; reviewOn: string }) =>
      apiFetch(`/api/records/${id}/retain`, { method: 'POST', json: { reason, reviewOn } }),
    onSuccess: () => client.invalidateQueries({ queryKey: DUE_KEY }),
  });
}

function useErase() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      apiFetch(`/api/records/${id}`, { method: 'DELETE', json: { reason } }),
    onSuccess: () => client.invalidateQueries({ queryKey: DUE_KEY }),
  });
}

/** How precisely a record is placed, in words. */
const PRECISION_WORDS: Readonly<Record<string, string>> = {
  exact: 'exact location',
  street: 'placed to the street',
  area: 'placed to the area',
};

const todayIso = () => new Date().toISOString().slice(0, 10);
const inAYear = () => {
  const d = new Date();
  d.setFullYear(d.getFullYear() + 1);
  return d.toISOString().slice(0, 10);
};

/** Records whose review date has come: retain them with a reason, or erase them for real. */
export function ReviewPage() {
  const [before, setBefore] = useState(todayIso());
  const due = useDueRecords(before);
  const [done, setDone] = useState<string | undefined>();
  return (
    <div className="page page--wide">
      <h1>Records due for review</h1>
      <p>
        Every record has a review date set by the partnership's retention period. Keep a record only
        with a reason; erasing deletes it for good.
      </p>
      <TextField
        label="Due on or before"
        type="date"
        value={before}
        onChange={(e) => setBefore(e.currentTarget.value || todayIso())}
      />
      <SavedNotice show={done !== undefined}>{done}</SavedNotice>
      {due.isPending && <LoadingNotice what="the records due for review" />}
      {due.isError && <ErrorNotice error={due.error} what="the records due for review" />}
      {due.data && due.data.records.length === 0 && <p>No records are due for review.</p>}
      {due.data && due.data.records.length > 0 && (
        <table className="table table--compact" data-testid="review-table">
          <caption className="visually-hidden">Records due for review</caption>
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Reported</th>
              <th scope="col">Review due</th>
              <th scope="col">What and where</th>
              <th scope="col">Summary</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {due.data.records.map((r) => (
              <DueRow key={r.id} record={r} onDone={setDone} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function DueRow({ record, onDone }: { record: DueRecord; onDone: (message: string) => void }) {
  const [mode, setMode] = useState<'none' | 'retain' | 'erase'>('none');
  const [reason, setReason] = useState('');
  const [reviewOn, setReviewOn] = useState(inAYear());
  const retain = useRetain();
  const erase = useErase();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mode === 'retain') {
      retain.mutate(
        { id: record.id, reason, reviewOn },
        { onSuccess: () => onDone(`Record ${record.id} kept until ${formatDay(reviewOn)}.`) },
      );
    } else if (mode === 'erase') {
      erase.mutate(
        { id: record.id, reason },
        { onSuccess: () => onDone(`Record ${record.id} erased.`) },
      );
    }
  };
  const taxonomy = useTaxonomy();
  const pending = retain.isPending || erase.isPending;
  const error = mode === 'retain' ? retain.error : erase.error;
  return (
    <tr>
      <th scope="row">{record.id}</th>
      <td>{formatDay(record.reportedOn)}</td>
      <td>{formatDay(record.reviewOn)}</td>
      <td>
        {labelFor(taxonomy.data?.categories, record.category)} at{' '}
        {labelFor(taxonomy.data?.placeTypes, record.placeType).toLowerCase()} (
        {PRECISION_WORDS[record.precision] ?? record.precision}), from{' '}
        {labelFor(taxonomy.data?.agencies, record.sourceAgency)}
        {record.retainedTimes > 0 && (
          <span className="hint"> Kept {record.retainedTimes} time(s) before.</span>
        )}
      </td>
      <td>{record.summary ?? ''}</td>
      <td>
        {mode === 'none' ? (
          <div className="button-row">
            <button
              type="button"
              className="button button--small"
              onClick={() => setMode('retain')}
              aria-label={`Keep record ${record.id}`}
            >
              Keep
            </button>
            <button
              type="button"
              className="button button--small button--danger"
              onClick={() => setMode('erase')}
              aria-label={`Erase record ${record.id}`}
            >
              Erase
            </button>
          </div>
        ) : (
          <form
            onSubmit={submit}
            className="inline-form"
            aria-label={
              mode === 'retain' ? `Keep record ${record.id}` : `Erase record ${record.id}`
            }
          >
            <TextField
              label={mode === 'retain' ? 'Why keep it' : 'Why erase it'}
              required
              minLength={3}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={fieldError(error, 'reason')}
            />
            {mode === 'retain' && (
              <TextField
                label="New review date"
                type="date"
                required
                value={reviewOn}
                onChange={(e) => setReviewOn(e.currentTarget.value)}
                error={fieldError(error, 'reviewOn')}
              />
            )}
            {mode === 'erase' && (
              <p className="hint">Erasing deletes the record for good. It cannot be undone.</p>
            )}
            <div className="button-row">
              <button
                type="submit"
                className={`button button--small ${mode === 'erase' ? 'button--danger' : 'button--primary'}`}
                disabled={pending || reason.trim().length < 3}
              >
                {mode === 'retain' ? 'Keep record' : 'Erase for good'}
              </button>
              <button
                type="button"
                className="button button--small"
                onClick={() => setMode('none')}
              >
                Cancel
              </button>
            </div>
            <FormError error={error} />
          </form>
        )}
      </td>
    </tr>
  );
}
