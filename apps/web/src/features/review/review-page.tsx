import {
  BatchReviewDecidedSchema,
  type BatchReviewDecisionInput,
  type DueBatch,
  type DueRecord,
  ErasedRecordSchema,
  type ReasonOnlyInput,
  RetainedRecordSchema,
  type RetainRecordInput,
  ReviewDueSchema,
} from '@hotspot/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { apiFetch } from '../../api/api-fetch.ts';
import { fieldError, SavedNotice, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { formatDay } from '../actions/actions-api.ts';
import { labelFor, useTaxonomy } from '../map/taxonomy-api.ts';

const DUE_KEY = ['records', 'review-due'] as const;

function useDueRecords(before: string) {
  return useQuery({
    queryKey: [...DUE_KEY, before],
    queryFn: ({ signal }) =>
      apiFetch(`/api/records/review-due?before=${encodeURIComponent(before)}`, ReviewDueSchema, {
        signal,
      }),
  });
}

function useRetain() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string } & RetainRecordInput) =>
      apiFetch(`/api/records/${id}/retain`, RetainedRecordSchema, { method: 'POST', json: body }),
    onSuccess: () => client.invalidateQueries({ queryKey: DUE_KEY }),
  });
}

function useErase() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string } & ReasonOnlyInput) =>
      apiFetch(`/api/records/${id}`, ErasedRecordSchema, { method: 'DELETE', json: body }),
    onSuccess: () => client.invalidateQueries({ queryKey: DUE_KEY }),
  });
}

function useBatchDecision() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ batchId, ...body }: BatchReviewDecisionInput & { batchId: string }) =>
      apiFetch(`/api/records/review-due/batches/${batchId}`, BatchReviewDecidedSchema, {
        method: 'POST',
        json: body,
      }),
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
      {due.data && due.data.batches.length > 0 && (
        <section aria-labelledby="due-batches-heading" className="due-batches">
          <h2 id="due-batches-heading">By batch</h2>
          <p>
            Decide for a whole upload at once: every record of the batch due on or before{' '}
            {formatDay(due.data.before)} is kept or erased, with one reason.
          </p>
          <table className="table table--compact" data-testid="due-batches">
            <caption className="visually-hidden">Batches with records due for review</caption>
            <thead>
              <tr>
                <th scope="col">Batch</th>
                <th scope="col">Due records</th>
                <th scope="col">Review dates</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {due.data.batches.map((b) => (
                <DueBatchRow key={b.id} batch={b} before={due.data.before} onDone={setDone} />
              ))}
            </tbody>
          </table>
          <h2>Record by record</h2>
        </section>
      )}
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

/** Words of one Keep / Erase choice: for one record, or for a whole batch's due records. */
interface DecisionWords {
  /** "record 123", "all 3 records of x.csv": ends the buttons' and forms' accessible names. */
  readonly subject: string;
  readonly keep: string;
  readonly erase: string;
  readonly whyKeep: string;
  readonly whyErase: string;
  readonly eraseWarning: string;
  readonly keepSubmit: string;
  readonly eraseSubmit: string;
}

/**
 * Keep (with a reason and a new review date) or erase (with a reason): the two buttons, then
 * the form of the one chosen. `decide` runs the request; the form closes when it succeeds.
 */
function KeepOrErase({
  words,
  decide,
  pending,
  error,
}: {
  words: DecisionWords;
  decide: (
    choice:
      | { mode: 'retain'; reason: string; reviewOn: string }
      | { mode: 'erase'; reason: string },
    done: () => void,
  ) => void;
  pending: boolean;
  error: unknown;
}) {
  const [mode, setMode] = useState<'none' | 'retain' | 'erase'>('none');
  const [reason, setReason] = useState('');
  const [reviewOn, setReviewOn] = useState(inAYear());
  const close = () => {
    setMode('none');
    setReason('');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mode === 'retain') decide({ mode, reason, reviewOn }, close);
    else if (mode === 'erase') decide({ mode, reason }, close);
  };
  if (mode === 'none') {
    return (
      <div className="button-row">
        <button
          type="button"
          className="button button--small"
          onClick={() => setMode('retain')}
          aria-label={`Keep ${words.subject}`}
        >
          {words.keep}
        </button>
        <button
          type="button"
          className="button button--small button--danger"
          onClick={() => setMode('erase')}
          aria-label={`Erase ${words.subject}`}
        >
          {words.erase}
        </button>
      </div>
    );
  }
  return (
    <form
      onSubmit={submit}
      className="inline-form"
      aria-label={`${mode === 'retain' ? 'Keep' : 'Erase'} ${words.subject}`}
    >
      <TextField
        label={mode === 'retain' ? words.whyKeep : words.whyErase}
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
      {mode === 'erase' && <p className="hint">{words.eraseWarning}</p>}
      <div className="button-row">
        <button
          type="submit"
          className={`button button--small ${mode === 'erase' ? 'button--danger' : 'button--primary'}`}
          disabled={pending || reason.trim().length < 3}
        >
          {mode === 'retain' ? words.keepSubmit : words.eraseSubmit}
        </button>
        <button type="button" className="button button--small" onClick={close}>
          Cancel
        </button>
      </div>
      <FormError error={error} />
    </form>
  );
}

function DueRow({ record, onDone }: { record: DueRecord; onDone: (message: string) => void }) {
  const retain = useRetain();
  const erase = useErase();
  const taxonomy = useTaxonomy();
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
        <KeepOrErase
          words={{
            subject: `record ${record.id}`,
            keep: 'Keep',
            erase: 'Erase',
            whyKeep: 'Why keep it',
            whyErase: 'Why erase it',
            eraseWarning: 'Erasing deletes the record for good. It cannot be undone.',
            keepSubmit: 'Keep record',
            eraseSubmit: 'Erase for good',
          }}
          pending={retain.isPending || erase.isPending}
          error={retain.error ?? erase.error}
          decide={(choice, done) => {
            if (choice.mode === 'retain') {
              retain.mutate(
                { id: record.id, reason: choice.reason, reviewOn: choice.reviewOn },
                {
                  onSuccess: () => {
                    done();
                    onDone(`Record ${record.id} kept until ${formatDay(choice.reviewOn)}.`);
                  },
                },
              );
            } else {
              erase.mutate(
                { id: record.id, reason: choice.reason },
                {
                  onSuccess: () => {
                    done();
                    onDone(`Record ${record.id} erased.`);
                  },
                },
              );
            }
          }}
        />
      </td>
    </tr>
  );
}

const count = (n: number) => n.toLocaleString('en-GB');
/** The day of an upload as people in the partnership count days (UK time). */
const formatUploaded = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'Europe/London',
  });

function DueBatchRow({
  batch,
  before,
  onDone,
}: {
  batch: DueBatch;
  before: string;
  onDone: (message: string) => void;
}) {
  const decide = useBatchDecision();
  const records = `${count(batch.due)} ${batch.due === 1 ? 'record' : 'records'}`;
  const dates =
    batch.firstReviewOn === batch.lastReviewOn
      ? formatDay(batch.firstReviewOn)
      : `${formatDay(batch.firstReviewOn)} to ${formatDay(batch.lastReviewOn)}`;
  return (
    <tr>
      <th scope="row">
        {batch.fileName}
        <span className="hint"> uploaded {formatUploaded(batch.uploadedAt)}</span>
      </th>
      <td>{records}</td>
      <td>{dates}</td>
      <td>
        <KeepOrErase
          words={{
            subject: `all ${records} of ${batch.fileName}`,
            keep: 'Keep all',
            erase: 'Erase all',
            whyKeep: `Why keep these ${records}`,
            whyErase: `Why erase these ${records}`,
            eraseWarning: `Erasing deletes all ${records} for good, together. It cannot be undone.`,
            keepSubmit: `Keep ${records}`,
            eraseSubmit: `Erase ${records} for good`,
          }}
          pending={decide.isPending}
          error={decide.error}
          decide={(choice, done) => {
            const body: BatchReviewDecisionInput =
              choice.mode === 'retain'
                ? { decision: 'retain', reason: choice.reason, reviewOn: choice.reviewOn, before }
                : { decision: 'erase', reason: choice.reason, before };
            decide.mutate(
              { batchId: batch.id, ...body },
              {
                onSuccess: (result) => {
                  done();
                  onDone(
                    result.decision === 'retain'
                      ? `${count(result.records)} records of ${batch.fileName} kept until ${formatDay(result.reviewOn ?? '')}.`
                      : `${count(result.records)} records of ${batch.fileName} erased.`,
                  );
                },
              },
            );
          }}
        />
      </td>
    </tr>
  );
}
