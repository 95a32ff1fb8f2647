import { useId, useState } from 'react';
import { formatMonth } from '../../url-state/period.ts';
import type { BreakdownRow } from './hotspot-api.ts';
import { formatShownCount } from './layer-api.ts';

/**
 * Reports per month as a small SVG bar chart, with the same numbers as a table one click away.
 * Suppressed months are drawn as a short hatched bar, labelled "fewer than k", never a number.
 */
export function MonthChart({ months }: { readonly months: readonly BreakdownRow[] }) {
  const [asTable, setAsTable] = useState(false);
  const titleId = useId();
  if (months.length === 0) return <p>No reports by month to show.</p>;
  const value = (r: BreakdownRow) =>
    r.count.kind === 'suppressed' ? r.count.fewerThan / 2 : r.count.n;
  const max = Math.max(1, ...months.map(value));
  const width = 320;
  const height = 120;
  const gap = 2;
  const barWidth = Math.max(2, (width - gap * months.length) / months.length);
  const described = months.map((m) => `${formatMonth(m.value)}: ${formatShownCount(m.count)}`);
  return (
    <figure className="month-chart">
      <figcaption id={titleId}>Reports per month</figcaption>
      {asTable ? (
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Reports</th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr key={m.value}>
                <th scope="row">{formatMonth(m.value)}</th>
                <td>{formatShownCount(m.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <svg
          viewBox={`0 0 ${width} ${height + 18}`}
          role="img"
          aria-labelledby={titleId}
          aria-describedby={`${titleId}-desc`}
          className="month-chart__svg"
        >
          <title>Reports per month</title>
          <desc id={`${titleId}-desc`}>{described.join('; ')}</desc>
          <line x1="0" x2={width} y1={height} y2={height} stroke="#505a5f" strokeWidth="1" />
          {months.map((m, i) => {
            const h = Math.max(1, (value(m) / max) * (height - 6));
            const x = i * (barWidth + gap);
            const suppressed = m.count.kind === 'suppressed';
            return (
              <g key={m.value}>
                <title>{`${formatMonth(m.value)}: ${formatShownCount(m.count)}`}</title>
                <rect
                  x={x}
                  y={height - h}
                  width={barWidth}
                  height={h}
                  fill={suppressed ? 'url(#suppressed-hatch)' : '#1d70b8'}
                  stroke={suppressed ? '#767676' : 'none'}
                />
                {(i === 0 || i === months.length - 1) && (
                  <text
                    x={i === 0 ? 0 : width}
                    y={height + 14}
                    fontSize="11"
                    textAnchor={i === 0 ? 'start' : 'end'}
                    fill="#0b0c0c"
                  >
                    {formatMonth(m.value)}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      )}
      <button
        type="button"
        className="button button--link"
        onClick={() => setAsTable((v) => !v)}
        aria-pressed={asTable}
      >
        {asTable ? 'Show as chart' : 'Show as table'}
      </button>
    </figure>
  );
}
