import type { Me } from '@hotspot/contracts';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link } from '../../routing/router.tsx';
import { fieldError } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import {
  type ActionDetail,
  formatDay,
  formatInstant,
  PRIORITY_LABELS,
  STATUS_LABELS,
  type StepRequest,
  useAction,
  useActionStep,
} from './actions-api.ts';
import { ReassignForm } from './reassign-form.tsx';

function TextStepForm({
  label,
  submitLabel,
  field,
  onSubmit,
  error,
  busy,
  hint,
}: {
  label: string;
  submitLabel: string;
  field: string;
  onSubmit: (text: string) => void;
  error: unknown;
  busy: boolean;
  hint?: ReactNode;
}) {
  const [text, setText] = useState('');
  const id = `step-${field}-${submitLabel.replace(/\W+/g, '-').toLowerCase()}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(text);
  };
  const message = fieldError(error, field);
  return (
    <form onSubmit={submit} className="step-form" aria-label={submitLabel}>
      <div className={`field ${message ? 'field--error' : ''}`}>
        <label htmlFor={id}>{label}</label>
        {hint && <p className="hint">{hint}</p>}
        {message && <p className="field-error">{message}</p>}
        <textarea
          id={id}
          rows={3}
          maxLength={4000}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          required
        />
      </div>
      <button type="submit" className="button button--small" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

function Steps({ action }: { action: ActionDetail }) {
  const step = useActionStep(action.id);
  const run = (request: StepRequest) => step.mutate(request);
  const can = (s: ActionDetail['availableSteps'][number]) => action.availableSteps.includes(s);
  if (action.availableSteps.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="steps-heading">
      <h2 id="steps-heading">What next</h2>
      <FormError error={step.error} />
      {can('acknowledge') && (
        <p>
          <button
            type="button"
            className="button button--primary"
            disabled={step.isPending}
            onClick={() => run({ step: 'acknowledge' })}
          >
            Acknowledge
          </button>{' '}
          <span className="hint">Tells the tasking group your agency has taken this on.</span>
        </p>
      )}
      {can('start') && (
        <TextStepForm
          label="Progress note"
          submitLabel="Mark in progress"
          field="note"
          busy={step.isPending}
          error={step.error}
          onSubmit={(note) => run({ step: 'start', note })}
        />
      )}
      {can('note') && !can('start') && (
        <TextStepForm
          label="Note for the timeline"
          submitLabel="Add note"
          field="note"
          busy={step.isPending}
          error={step.error}
          onSubmit={(note) => run({ step: 'note', note })}
        />
      )}
      {can('complete') && (
        <TextStepForm
          label="Outcome"
          submitLabel="Complete"
          field="outcome"
          busy={step.isPending}
          error={step.error}
          hint="What was done and what it achieved. Do not include names or other personal details."
          onSubmit={(outcome) => run({ step: 'complete', outcome })}
        />
      )}
      {can('decline') && (
        <TextStepForm
          label="Reason for declining"
          submitLabel="Decline"
          field="reason"
          busy={step.isPending}
          error={step.error}
          onSubmit={(reason) => run({ step: 'decline', reason })}
        />
      )}
    </section>
  );
}

/** One action: what, for whom, by when, its timeline, and the buttons the caller may use. */
export function ActionPage({ id, me }: { id: string; me: Me }) {
  const action = useAction(id);
  if (action.isPending) return <LoadingNotice what="the action" />;
  if (action.isError) return <ErrorNotice error={action.error} what="the action" />;
  const a = action.data;
  return (
    <div className="page">
      <p>
        <Link href="/actions">
          {me.role === 'partner' ? "← My agency's actions" : '← All actions'}
        </Link>
      </p>
      <h1>{a.title}</h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="action-status">
          {STATUS_LABELS[a.status]}
          {a.overdue && <span className="badge badge--overdue">Overdue</span>}
        </dd>
        <dt>Due</dt>
        <dd>{formatDay(a.dueOn)}</dd>
        <dt>Agency</dt>
        <dd>{a.agency.name}</dd>
        <dt>Priority</dt>
        <dd>{PRIORITY_LABELS[a.priority]}</dd>
        <dt>Hotspot</dt>
        <dd>
          <Link href={`/hotspots/${a.hotspotId}`}>{a.hotspotName}</Link>
        </dd>
        <dt>Assigned by</dt>
        <dd>{a.createdBy}</dd>
        {a.acknowledgedBy && (
          <>
            <dt>Acknowledged by</dt>
            <dd>{a.acknowledgedBy}</dd>
          </>
        )}
      </dl>
      {a.detail && <p className="detail-text">{a.detail}</p>}
      {a.outcome && (
        <section aria-labelledby="outcome-heading">
          <h2 id="outcome-heading">Outcome</h2>
          <p className="detail-text">{a.outcome}</p>
        </section>
      )}
      {a.declineReason && (
        <section aria-labelledby="declined-heading">
          <h2 id="declined-heading">Declined</h2>
          <p className="detail-text">{a.declineReason}</p>
        </section>
      )}
      <Steps action={a} />
      {a.availableSteps.includes('reassign') && <ReassignForm action={a} />}
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ol className="timeline">
          {a.timeline.map((t) => (
            <li key={`${t.at}-${t.toStatus ?? 'note'}`}>
              <span className="cell-sub">{formatInstant(t.at)}</span> {t.by} ({t.byAgency}):{' '}
              {t.toStatus ? STATUS_LABELS[t.toStatus] : 'Note'}
              {t.note && <span className="detail-text">: {t.note}</span>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
