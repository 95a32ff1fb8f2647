import { useEffect, useId, useState } from 'react';
import { type FilterKey, type MapViewState, setFilter } from '../../url-state/map-view-state.ts';
import {
  formatMonth,
  matchingPreset,
  PERIOD_PRESETS,
  type Period,
  periodMonths,
  presetPeriod,
  stepMonth,
} from '../../url-state/period.ts';
import { useTaxonomy } from './taxonomy-api.ts';

/** How long each month shows while playing: long enough to read the map in a meeting. */
export const PLAY_STEP_MS = 1500;

export interface FiltersPanelProps {
  readonly view: MapViewState;
  /** The chosen period (From/To), whichever month of it is shown on its own. */
  readonly period: Period;
  /** The month of the period shown on its own (slider or Play), or null for all of it. */
  readonly month: string | null;
  readonly today: Date;
  readonly role: string;
  readonly onChange: (next: MapViewState) => void;
}

interface FilterGroup {
  readonly key: FilterKey;
  readonly legend: string;
  readonly options: readonly { readonly code: string; readonly label: string }[];
}

const GRADE_GROUPS: readonly FilterGroup[] = [
  {
    key: 'sourceGrade',
    legend: 'Source grade',
    options: [
      { code: '1', label: '1 Reliable' },
      { code: '2', label: '2 Untested' },
      { code: '3', label: '3 Not reliable' },
    ],
  },
  {
    key: 'intelligenceGrade',
    legend: 'Intelligence grade',
    options: [
      { code: 'A', label: 'A Known directly' },
      { code: 'B', label: 'B Known indirectly, corroborated' },
      { code: 'C', label: 'C Known indirectly' },
      { code: 'D', label: 'D Not known' },
      { code: 'E', label: 'E Suspected false' },
    ],
  },
];

function CheckboxGroup({
  group,
  selected,
  onChange,
}: {
  readonly group: FilterGroup;
  readonly selected: readonly string[];
  readonly onChange: (values: string[]) => void;
}) {
  return (
    <details className="filter-group">
      <summary>
        {group.legend}
        {selected.length > 0 ? ` (${selected.length} chosen)` : ' (all)'}
      </summary>
      <fieldset>
        <legend className="visually-hidden">{group.legend}</legend>
        {group.options.map((o) => (
          <label key={o.code} className="check">
            <input
              type="checkbox"
              checked={selected.includes(o.code)}
              onChange={(e) =>
                onChange(
                  e.currentTarget.checked
                    ? [...selected, o.code]
                    : selected.filter((c) => c !== o.code),
                )
              }
            />
            {o.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

/**
 * Period (presets, dates, and a month-by-month slider that can play) and record filters; every
 * change goes to the URL, so the view can be shared and reopened.
 */
export function FiltersPanel({ view, period, month, today, role, onChange }: FiltersPanelProps) {
  const taxonomy = useTaxonomy();
  // The slider and Play step through the months of the chosen period, leaving From/To as they
  // are, so any period (an uploaded past month included) can be played.
  const months = periodMonths(period);
  const currentMonth = month ?? undefined;
  const [playing, setPlaying] = useState(false);
  const sliderId = useId();
  const preset = matchingPreset(period, today);

  const setPeriod = (p: Period) => onChange({ ...view, from: p.from, to: p.to, month: null });
  const showMonth = (next: string | undefined) => {
    if (next) onChange({ ...view, month: next });
  };

  // Play: one month every PLAY_STEP_MS, stopping after the period's last month.
  useEffect(() => {
    if (!playing) return;
    const timer = window.setTimeout(() => {
      const next = stepMonth(months, currentMonth, 1);
      if (next === undefined) setPlaying(false);
      else showMonth(next);
    }, PLAY_STEP_MS);
    return () => window.clearTimeout(timer);
  });

  const groups: FilterGroup[] = [];
  if (taxonomy.data) {
    groups.push(
      { key: 'category', legend: 'Category', options: taxonomy.data.categories },
      { key: 'placeType', legend: 'Place type', options: taxonomy.data.placeTypes },
      {
        key: 'sourceAgency',
        legend: 'Source agency',
        options: taxonomy.data.agencies.map((a) => ({ code: a.code, label: a.label })),
      },
    );
  }
  groups.push(...GRADE_GROUPS);
  if (role === 'analyst') {
    groups.push({
      key: 'handlingCode',
      legend: 'Handling code',
      options: [
        { code: 'P', label: 'P Lawful sharing permitted' },
        { code: 'C', label: 'C Conditions apply' },
      ],
    });
  }
  const activeFilters = groups.reduce((n, g) => n + view.filters[g.key].length, 0);

  return (
    <div className="filters">
      <fieldset className="period">
        <legend>Period</legend>
        <div className="preset-buttons">
          {PERIOD_PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              className="button button--small button--toggle"
              aria-pressed={preset === p.id}
              onClick={() => {
                setPlaying(false);
                setPeriod(presetPeriod(p.id, today));
              }}
            >
              {p.label}
            </button>
          ))}
        </div>
        <div className="date-row">
          <label>
            From
            <input
              type="date"
              value={period.from}
              max={period.to}
              onChange={(e) => {
                const from = e.currentTarget.value;
                if (from && from <= period.to) setPeriod({ from, to: period.to });
              }}
            />
          </label>
          <label>
            To
            <input
              type="date"
              value={period.to}
              min={period.from}
              onChange={(e) => {
                const to = e.currentTarget.value;
                if (to && to >= period.from) setPeriod({ from: period.from, to });
              }}
            />
          </label>
        </div>
      </fieldset>

      <div className="time-slider">
        <label htmlFor={sliderId}>Month by month</label>
        <div className="time-slider__row">
          <button
            type="button"
            className="button button--small"
            onClick={() => showMonth(stepMonth(months, currentMonth, -1) ?? months[0])}
            aria-label="Previous month"
          >
            ‹
          </button>
          <input
            id={sliderId}
            type="range"
            min={0}
            max={months.length - 1}
            step={1}
            value={Math.max(0, months.indexOf(currentMonth ?? months[months.length - 1] ?? ''))}
            aria-valuetext={
              currentMonth ? formatMonth(currentMonth) : 'Whole period (no month chosen)'
            }
            onChange={(e) => {
              setPlaying(false);
              showMonth(months[Number(e.currentTarget.value)]);
            }}
            data-testid="time-slider"
          />
          <button
            type="button"
            className="button button--small"
            onClick={() =>
              showMonth(stepMonth(months, currentMonth, 1) ?? months[months.length - 1])
            }
            aria-label="Next month"
          >
            ›
          </button>
          <button
            type="button"
            className="button button--small button--play"
            aria-pressed={playing}
            onClick={() => {
              if (!playing && currentMonth === undefined) showMonth(months[0]);
              else if (!playing && currentMonth === months[months.length - 1]) showMonth(months[0]);
              setPlaying((p) => !p);
            }}
          >
            {playing ? 'Pause' : 'Play'}
          </button>
        </div>
        <p className="hint" aria-live="polite">
          {currentMonth ? `Showing ${formatMonth(currentMonth)}` : 'Showing the whole period'}
        </p>
        {currentMonth && (
          <button
            type="button"
            className="button button--link"
            onClick={() => {
              setPlaying(false);
              onChange({ ...view, month: null });
            }}
          >
            Show the whole period
          </button>
        )}
      </div>

      <fieldset className="filter-groups">
        <legend>Filters{activeFilters > 0 ? ` (${activeFilters} chosen)` : ''}</legend>
        {groups.map((group) => (
          <CheckboxGroup
            key={group.key}
            group={group}
            selected={view.filters[group.key]}
            onChange={(values) => onChange(setFilter(view, group.key, values))}
          />
        ))}
        {activeFilters > 0 && (
          <button
            type="button"
            className="button button--small"
            onClick={() => onChange(groups.reduce((v, g) => setFilter(v, g.key, []), view))}
          >
            Clear filters
          </button>
        )}
      </fieldset>
    </div>
  );
}
