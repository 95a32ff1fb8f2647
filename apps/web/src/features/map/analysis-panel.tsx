import { type FormEvent, useState } from 'react';
import {
  type AnalysisMethod,
  chooseMethod,
  type MapViewState,
  PARAMETER_RANGES,
  type ParameterName,
  setParameter,
} from '../../url-state/map-view-state.ts';
import type { LayerResponse } from './layer-api.ts';

const METHOD_LABELS: Readonly<Record<AnalysisMethod, string>> = {
  gistar: 'Gi* hot spots',
  dbscan: 'DBSCAN clusters',
  density: 'Kernel density',
  emerging: 'Emerging hot spots (by month)',
};

const METHOD_PARAMETERS: Readonly<Record<AnalysisMethod, readonly ParameterName[]>> = {
  gistar: ['sizeMeters', 'distanceMeters'],
  dbscan: ['epsMeters', 'minPoints'],
  density: ['bandwidthMeters'],
  emerging: ['sizeMeters', 'distanceMeters'],
};

/** One sentence per parameter: what it does and how its default is chosen (DESIGN.md 6). */
const PARAMETER_TEXT: Readonly<
  Record<ParameterName, { label: string; unit: string; why: string }>
> = {
  sizeMeters: {
    label: 'Hexagon size',
    unit: 'm',
    why: 'Each hexagon measures this from its centre to a corner; the default of 250 m is about a few streets. 100 m predicted police.uk crime better, but sparse CSE intelligence worse, and small cells are suppressed more for chairs.',
  },
  distanceMeters: {
    label: 'Distance band',
    unit: 'm',
    why: 'Hexagons within this distance count as neighbours; by default the six touching hexagons (1.01 × √3 × the size, 438 m at 250 m). Tested on past months, it caught more of the next month’s reports (58 % against 43 % on police.uk) than the ArcGIS nearest-neighbour band, which spans whole towns.',
  },
  epsMeters: {
    label: 'Search distance (eps)',
    unit: 'm',
    why: 'Reports within this distance of each other are neighbours; the default of 150 m is a couple of blocks. Tested on past months, its clusters held more of the next month’s reports than 100 m (69 % against 54 % on police.uk, 36 % against 26 % on CSE-density data) while covering under 3 % of the area; 200 m spread police.uk clusters over 7 %.',
  },
  minPoints: {
    label: 'Minimum reports',
    unit: '',
    why: 'A cluster needs at least this many reports within the search distance, the report itself included; the default is 5. Fewer made many more, smaller clusters (361 at 3 against 217) for a few points more; 10 caught far less on sparse CSE-density data (22 % against 36 %).',
  },
  bandwidthMeters: {
    label: 'Search radius (bandwidth)',
    unit: 'm',
    why: 'Each report is spread over this radius; the default of 400 m caught more of the next month’s reports in tests on past months (66 % against 47 % on police.uk, 88 % against 71 % on CSE-density data) than the rule of thumb from the spread of the reports, which smooths over a town.',
  },
};

export interface AnalysisPanelProps {
  readonly view: MapViewState;
  readonly onChange: (next: MapViewState) => void;
  /** The current method's response, for the parameters actually used and the explanation. */
  readonly result: LayerResponse | undefined;
  readonly fetching: boolean;
  readonly error: string | null;
}

function usedValue(result: LayerResponse | undefined, name: ParameterName): number | undefined {
  const value = result?.parameters?.[name];
  return typeof value === 'number' ? value : undefined;
}

const format = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(0));

/**
 * Method and parameters for analysts and chairs. Values apply on "Update map" (not on every
 * key press); the map keeps showing the previous result until the new one arrives.
 */
export function AnalysisPanel({ view, onChange, result, fetching, error }: AnalysisPanelProps) {
  const names = METHOD_PARAMETERS[view.method];
  // The parent remounts this panel (key) when the method or the URL's parameters change, so
  // what is typed starts from the URL.
  const [draft, setDraft] = useState<Partial<Record<ParameterName, string>>>(() =>
    Object.fromEntries(
      names.map((n) => [n, view.parameters[n] === undefined ? '' : String(view.parameters[n])]),
    ),
  );

  const problems = names.flatMap((n) => {
    const raw = draft[n]?.trim() ?? '';
    if (raw === '') return [];
    const v = Number(raw);
    const r = PARAMETER_RANGES[n];
    if (!Number.isFinite(v) || v < r.min || v > r.max || (r.integer && !Number.isInteger(v))) {
      return [
        [
          n,
          `Enter ${r.integer ? 'a whole number' : 'a number'} from ${r.min} to ${r.max}.`,
        ] as const,
      ];
    }
    return [];
  });
  const problemFor = (n: ParameterName) => problems.find(([p]) => p === n)?.[1];

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (problems.length > 0) return;
    let next = view;
    for (const n of names) {
      const raw = draft[n]?.trim() ?? '';
      next = setParameter(next, n, raw === '' ? undefined : Number(raw));
    }
    onChange(next);
  };

  return (
    <div className="analysis">
      <fieldset className="method-choice">
        <legend>Method</legend>
        {(Object.keys(METHOD_LABELS) as AnalysisMethod[]).map((m) => (
          <label key={m} className="check">
            <input
              type="radio"
              name="method"
              value={m}
              checked={view.method === m}
              onChange={() => onChange(chooseMethod(view, m))}
            />
            {METHOD_LABELS[m]}
          </label>
        ))}
      </fieldset>
      {result?.explanation && <p className="explanation">{result.explanation}</p>}
      <form onSubmit={apply} noValidate>
        {names.map((n) => {
          const text = PARAMETER_TEXT[n];
          const used = usedValue(result, n);
          const id = `param-${n}`;
          const problem = problemFor(n);
          return (
            <div key={n} className={`field field--compact ${problem ? 'field--error' : ''}`}>
              <label htmlFor={id}>
                {text.label}
                {text.unit ? ` (${text.unit})` : ''}
              </label>
              <p className="hint" id={`${id}-hint`}>
                {text.why}
                {used !== undefined && (
                  <>
                    {' '}
                    <strong>
                      Used: {format(used)}
                      {text.unit ? ` ${text.unit}` : ''}
                      {view.parameters[n] === undefined ? ' (default)' : ''}.
                    </strong>
                  </>
                )}
              </p>
              {problem && (
                <p className="field-error" id={`${id}-error`}>
                  {problem}
                </p>
              )}
              <input
                id={id}
                inputMode="decimal"
                placeholder="Default"
                value={draft[n] ?? ''}
                aria-describedby={`${id}-hint${problem ? ` ${id}-error` : ''}`}
                aria-invalid={problem ? true : undefined}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setDraft((d) => ({ ...d, [n]: value }));
                }}
              />
            </div>
          );
        })}
        <div className="button-row">
          <button type="submit" className="button button--primary button--small">
            Update map
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => onChange(names.reduce((v, n) => setParameter(v, n, undefined), view))}
          >
            Use defaults
          </button>
        </div>
        <p className="hint" role="status">
          {fetching ? 'Updating the analysis…' : ''}
        </p>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}
