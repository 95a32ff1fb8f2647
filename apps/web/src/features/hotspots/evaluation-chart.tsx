import { countText, type DisclosedCount, type Evaluation } from './hotspots-api.ts';

const AREAS = [
  ['target', 'Hotspot'],
  ['buffer', 'Buffer ring'],
  ['control', 'Rest of the area'],
] as const;

const value = (c: DisclosedCount) => ('count' in c ? c.count : 0);

/**
 * Before/after bars per area, drawn as SVG. Bars are scaled within each area (the control is far
 * larger than the hotspot), since the question is the change, not the comparison of sizes.
 */
export function EvaluationChart({ evaluation }: { evaluation: Evaluation }) {
  const width = 420;
  const rowHeight = 56;
  const barMax = 220;
  return (
    <figure className="evaluation-chart">
      <svg
        role="img"
        aria-label="Reports before and after the response began, per area"
        viewBox={`0 0 ${width} ${AREAS.length * rowHeight + 10}`}
        width="100%"
        style={{ maxWidth: width }}
      >
        {AREAS.map(([key, label], row) => {
          const { before, after } = evaluation.counts[key];
          const top = Math.max(value(before), value(after), 1);
          const y = row * rowHeight + 8;
          return (
            <g key={key}>
              <text x={0} y={y + 12} fontSize={12}>
                {label}
              </text>
              {(
                [
                  ['Before', before, 0, '#7a869a'],
                  ['After', after, 18, '#1d70b8'],
                ] as const
              ).map(([name, count, dy, colour]) => (
                <g key={name}>
                  <text x={110} y={y + 12 + dy} fontSize={11}>
                    {name}
                  </text>
                  <rect
                    x={160}
                    y={y + 3 + dy}
                    height={12}
                    width={(value(count) / top) * barMax}
                    fill={colour}
                  />
                  <text x={165 + (value(count) / top) * barMax} y={y + 13 + dy} fontSize={11}>
                    {countText(count)}
                  </text>
                </g>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">
        {`${evaluation.parameters.periodDays} days before and after ${evaluation.parameters.date}; buffer ${evaluation.parameters.bufferMeters} m.`}
      </figcaption>
    </figure>
  );
}
