import type { Me } from '@hotspot/contracts';
import { type FormEvent, useState } from 'react';
import { isApiProblem, PROBLEM_TYPES } from '../../api/api-problem.ts';
import { useMe } from '../../api/queries.ts';
import { Link } from '../../routing/router.tsx';
import { fieldError, SavedNotice, SelectField, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { ActionTable, DueOn } from '../actions/action-list.tsx';
import {
  type ActionSummary,
  formatDay,
  formatInstant,
  PRIORITY_LABELS,
  STATUS_LABELS,
} from '../actions/actions-api.ts';
import { AssignActionForm } from './assign-action-form.tsx';
import { EvaluationChart } from './evaluation-chart.tsx';
import { HotspotAreaMap } from './hotspot-area-map.tsx';
import {
  disclosureNotes,
  evaluationNotYet,
  type HotspotPageView,
  hotspotPageView,
  mayOpenAction,
  riskLabel,
} from './hotspot-view.ts';
import {
  countText,
  HOTSPOT_STATUS_LABELS,
  type HotspotDetail,
  type HotspotStatus,
  RISKS,
  useChangeHotspot,
  useEvaluation,
  useHotspot,
} from './hotspots-api.ts';

const OSARA = [
  ['objective', 'Objective'],
  ['scanning', 'Scanning'],
  ['analysis', 'Analysis'],
  ['response', 'Response'],
  ['assessment', 'Assessment'],
] as const;

function StatusForm({ hotspot }: { hotspot: HotspotDetail }) {
  const change = useChangeHotspot(hotspot.id);
  const [to, setTo] = useState<HotspotStatus | ''>('');
  const [reason, setReason] = useState('');
  if (hotspot.allowedTransitions.length === 0) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!to) return;
    change.mutate(
      { status: to, reason },
      {
        onSuccess: () => {
          setTo('');
          setReason('');
        },
      },
    );
  };
  return (
    <form onSubmit={submit} className="inline-form" aria-label="Change status">
      <SelectField
        label="New status"
        value={to}
        onChange={(e) => setTo(e.currentTarget.value as HotspotStatus)}
        options={[
          { value: '', label: 'Choose…' },
          ...hotspot.allowedTransitions.map((s) => ({ value: s, label: HOTSPOT_STATUS_LABELS[s] })),
        ]}
      />
      <TextField
        label="Reason"
        hint="Everyone who can open this hotspot reads it, partners with actions here included: describe places and patterns, never people."
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={fieldError(change.error, 'reason')}
      />
      <button
        type="submit"
        className="button button--primary button--small"
        disabled={!to || change.isPending}
      >
        Change status
      </button>
      <FormError
        error={change.isError && !fieldError(change.error, 'reason') ? change.error : undefined}
      />
    </form>
  );
}

/**
 * The OSARA record's form. It is remounted (fresh values) whenever the hotspot changes, so
 * "Saved" is held by the page: `saved` and `onSaved`.
 */
function OsaraForm({
  hotspot,
  saved,
  onSaved,
}: {
  hotspot: HotspotDetail;
  saved: boolean;
  onSaved: (saved: boolean) => void;
}) {
  const change = useChangeHotspot(hotspot.id);
  const editable = OSARA.filter(([key]) => hotspot.osara[key] !== undefined);
  const [values, setValues] = useState<Record<string, string>>(
    Object.fromEntries(editable.map(([key]) => [key, hotspot.osara[key] ?? ''])),
  );
  const [risk, setRisk] = useState(hotspot.risk ?? '');
  const [reviewOn, setReviewOn] = useState(hotspot.reviewOn ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSaved(false);
    const text = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, v.trim() === '' ? null : v]),
    );
    change.mutate(
      { ...text, risk: risk === '' ? null : risk, reviewOn: reviewOn === '' ? null : reviewOn },
      { onSuccess: () => onSaved(true) },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Problem-solving record">
      <div className="form-grid">
        <SelectField
          label="Risk"
          value={risk}
          onChange={(e) => setRisk(e.currentTarget.value)}
          options={[
            { value: '', label: 'Not rated' },
            ...RISKS.map((r) => ({ value: r, label: riskLabel(r) })),
          ]}
        />
        <TextField
          label="Review on"
          type="date"
          value={reviewOn}
          onChange={(e) => setReviewOn(e.currentTarget.value)}
          error={fieldError(change.error, 'reviewOn')}
        />
      </div>
      <p className="hint" id="osara-audience">
        Partners with actions here and viewers read the objective, response and assessment; scanning
        and analysis stay with analysts and chairs. Describe places and patterns, never people.
      </p>
      {editable.map(([key, label]) => (
        <div className="field" key={key}>
          <label htmlFor={`osara-${key}`}>{label}</label>
          <textarea
            id={`osara-${key}`}
            aria-describedby="osara-audience"
            rows={3}
            maxLength={4000}
            value={values[key] ?? ''}
            onChange={(e) => {
              const next = e.currentTarget.value;
              setValues((v) => ({ ...v, [key]: next }));
            }}
          />
        </div>
      ))}
      <FormError error={change.error} />
      <button type="submit" className="button button--small" disabled={change.isPending}>
        Save record
      </button>
      <SavedNotice show={saved}>Saved.</SavedNotice>
    </form>
  );
}

function EvaluationSection({ hotspot }: { hotspot: HotspotDetail }) {
  const notYet = evaluationNotYet(hotspot.responseStartedOn, new Date().toISOString().slice(0, 10));
  const evaluation = useEvaluation(hotspot.id, notYet === null);
  return (
    <section aria-labelledby="evaluation-heading">
      <h2 id="evaluation-heading">Did it work?</h2>
      {notYet !== null ? (
        <p className="hint">{notYet}</p>
      ) : evaluation.isPending ? (
        <LoadingNotice what="the evaluation" />
      ) : evaluation.isError ? (
        <ErrorNotice error={evaluation.error} what="the evaluation" />
      ) : (
        <>
          <EvaluationChart evaluation={evaluation.data} />
          <p>
            {evaluation.data.result.computable
              ? `Weighted displacement quotient ${evaluation.data.result.wdq.toFixed(2)}; total net effect ${Math.round(evaluation.data.result.totalNetEffect)} reports (${evaluation.data.result.interpretation.replaceAll('_', ' ')}).`
              : evaluation.data.result.reason}
          </p>
          <p className="hint">{evaluation.data.explanation}</p>
        </>
      )}
    </section>
  );
}

/** The problem-solving record as the API gave it to a reader (partners: no scanning or analysis). */
function OsaraRecord({ hotspot }: { hotspot: HotspotDetail }) {
  const given = OSARA.filter(([key]) => hotspot.osara[key] !== undefined);
  return (
    <dl className="osara-record" data-testid="osara-record">
      {given.map(([key, label]) => (
        <div key={key}>
          <dt>{label}</dt>
          <dd>{hotspot.osara[key] || <span className="hint">Not recorded yet.</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Actions for a reader who cannot open an action's page (viewers): the status, no links. */
function ActionStatusTable({ actions }: { actions: readonly ActionSummary[] }) {
  return (
    <table className="table table--compact action-table">
      <caption>Actions on this hotspot</caption>
      <thead>
        <tr>
          <th scope="col">Action</th>
          <th scope="col">Agency</th>
          <th scope="col">Priority</th>
          <th scope="col">Due</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((a) => (
          <tr key={a.id} className={a.overdue ? 'row--overdue' : undefined}>
            <th scope="row" className="cell-wrap">
              {a.title}
            </th>
            <td>{a.agency.name}</td>
            <td>{PRIORITY_LABELS[a.priority]}</td>
            <td>
              <DueOn action={a} />
            </td>
            <td>{STATUS_LABELS[a.status]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ActionsSection({
  hotspot,
  me,
  view,
}: {
  hotspot: HotspotDetail;
  me: Me;
  view: HotspotPageView;
}) {
  const linked = hotspot.actions.every((a) => mayOpenAction(me.role, a.id));
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">{view.actionsHeading}</h2>
      {me.role === 'partner' && (
        <p className="hint">
          Only the actions of {me.agency.name} are shown; other agencies' actions on this hotspot
          are theirs.
        </p>
      )}
      {hotspot.actions.length === 0 ? (
        <p>No actions yet.</p>
      ) : linked ? (
        <ActionTable
          actions={hotspot.actions}
          caption={
            me.role === 'partner'
              ? `Actions of ${me.agency.name} on this hotspot`
              : 'Actions on this hotspot'
          }
          showAgency={view.showAgency}
        />
      ) : (
        <ActionStatusTable actions={hotspot.actions} />
      )}
      {view.mayChange && hotspot.allowedTransitions.length > 0 && (
        <AssignActionForm hotspot={hotspot} />
      )}
    </section>
  );
}

function HotspotNotFound({ me, view }: { me: Me; view: HotspotPageView }) {
  return (
    <div className="page">
      <p>
        <Link href={view.back.href}>← {view.back.label}</Link>
      </p>
      <h1>Hotspot not found</h1>
      <p>
        {me.role === 'partner'
          ? `There is no such hotspot, or ${me.agency.name} has no action on it. Partners see the hotspots their agency has actions on.`
          : 'There is no such hotspot in this partnership.'}
      </p>
    </div>
  );
}

/**
 * One hotspot: its area, lifecycle, problem-solving record, actions and outcome evaluation.
 * Everyone sees exactly what the API sends their role; the forms are there for the tasking roles
 * only, and not rendered at all for partners and viewers.
 */
export function HotspotPage({ id }: { id: string }) {
  const me = useMe();
  const hotspot = useHotspot(id);
  const [osaraSaved, setOsaraSaved] = useState(false);
  if (me.isPending) return <LoadingNotice what="your account" />;
  if (me.isError) return <ErrorNotice error={me.error} what="your account" />;
  const view = hotspotPageView(me.data.role);
  if (hotspot.isPending) return <LoadingNotice what="the hotspot" />;
  if (hotspot.isError) {
    return isApiProblem(hotspot.error) && hotspot.error.is(PROBLEM_TYPES.notFound) ? (
      <HotspotNotFound me={me.data} view={view} />
    ) : (
      <ErrorNotice error={hotspot.error} what="the hotspot" />
    );
  }
  const h = hotspot.data;
  const notes = disclosureNotes(h.disclosure);
  return (
    <div className="page page--wide">
      <p>
        <Link href={view.back.href}>← {view.back.label}</Link>
      </p>
      <h1>{h.name}</h1>
      <dl className="facts" data-testid="hotspot-facts">
        <dt>Status</dt>
        <dd>{HOTSPOT_STATUS_LABELS[h.status]}</dd>
        <dt>Risk</dt>
        <dd>{h.risk ? riskLabel(h.risk) : 'Not rated'}</dd>
        <dt>Period</dt>
        <dd>
          {h.periodFrom && h.periodTo
            ? `${formatDay(h.periodFrom)} to ${formatDay(h.periodTo)}`
            : 'Not set'}
        </dd>
        <dt>Reports in the period</dt>
        <dd data-testid="hotspot-reports">{countText(h.reports)}</dd>
        <dt>Response began</dt>
        <dd>{h.responseStartedOn ? formatDay(h.responseStartedOn) : 'Not yet'}</dd>
        <dt>Review</dt>
        <dd>{h.reviewOn ? formatDay(h.reviewOn) : 'Not set'}</dd>
      </dl>
      {notes.length > 0 && (
        <ul className="hint" data-testid="disclosure-notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {view.mayChange && <StatusForm hotspot={h} />}
      <section aria-labelledby="area-heading">
        <h2 id="area-heading">Area</h2>
        <HotspotAreaMap hotspot={h} />
      </section>
      <ActionsSection hotspot={h} me={me.data} view={view} />
      <section aria-labelledby="osara-heading">
        <h2 id="osara-heading">Problem-solving record (OSARA)</h2>
        {view.mayChange ? (
          <OsaraForm key={h.updatedAt} hotspot={h} saved={osaraSaved} onSaved={setOsaraSaved} />
        ) : (
          <OsaraRecord hotspot={h} />
        )}
      </section>
      {view.showEvaluation && <EvaluationSection hotspot={h} />}
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <ol className="timeline">
          {h.statusHistory.map((s) => (
            <li key={s.at}>
              <span className="cell-sub">{formatInstant(s.at)}</span> {s.by}:{' '}
              {s.from ? `${HOTSPOT_STATUS_LABELS[s.from]} → ` : ''}
              {HOTSPOT_STATUS_LABELS[s.to]}
              {s.reason ? ` (${s.reason})` : ''}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
