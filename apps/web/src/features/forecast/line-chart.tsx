/** One line of a chart: a name, a colour and points in data units. */
export interface ChartSeries {
  readonly name: string;
  readonly colour: string;
  readonly dashed?: boolean;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

const W = 420;
const H = 240;
const PAD = { left: 52, right: 16, top: 16, bottom: 44 };

/**
 * A small SVG line chart: an x and a y axis with ticks, one polyline (and dots) per series and a
 * legend. The figure carries an accessible name and description; the page's table beside it holds
 * every value, so nothing is only in the picture.
 */
export function LineChart(props: {
  readonly title: string;
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly formatX: (x: number) => string;
  readonly formatY: (y: number) => string;
}) {
  const all = props.series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, xMin + 1e-9);
  const yMax = Math.max(...ys, 1e-9) * 1.1;
  const sx = (x: number) => PAD.left + ((x - xMin) / (xMax - xMin)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - (y / yMax) * (H - PAD.top - PAD.bottom);
  const xTicks = [...new Set(xs)].sort((a, b) => a - b);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  const id = props.title.replace(/\W+/g, '-').toLowerCase();
  return (
    <figure className="line-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        width="100%"
        style={{ maxWidth: `${W}px` }}
      >
        <title id={`${id}-title`}>{props.title}</title>
        <desc id={`${id}-desc`}>{props.description}</desc>
        <line
          x1={PAD.left}
          y1={H - PAD.bottom}
          x2={W - PAD.right}
          y2={H - PAD.bottom}
          stroke="#444"
        />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} stroke="#444" />
        {xTicks.map((x) => (
          <text key={`x${x}`} x={sx(x)} y={H - PAD.bottom + 16} textAnchor="middle" fontSize="11">
            {props.formatX(x)}
          </text>
        ))}
        {yTicks.map((y) => (
          <g key={`y${y}`}>
            <line x1={PAD.left - 4} y1={sy(y)} x2={W - PAD.right} y2={sy(y)} stroke="#ddd" />
            <text x={PAD.left - 6} y={sy(y) + 4} textAnchor="end" fontSize="11">
              {props.formatY(y)}
            </text>
          </g>
        ))}
        <text x={(W + PAD.left) / 2} y={H - 6} textAnchor="middle" fontSize="12">
          {props.xLabel}
        </text>
        <text
          x={12}
          y={H / 2}
          textAnchor="middle"
          fontSize="12"
          transform={`rotate(-90 12 ${H / 2})`}
        >
          {props.yLabel}
        </text>
        {props.series.map((s) => (
          <g key={s.name} data-series={s.name}>
            <polyline
              fill="none"
              stroke={s.colour}
              strokeWidth={2}
              strokeDasharray={s.dashed ? '6 4' : undefined}
              points={s.points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')}
            />
            {s.points.map((p) => (
              <circle key={p.x} cx={sx(p.x)} cy={sy(p.y)} r={3} fill={s.colour} />
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          {props.series.map((s) => (
            <li key={s.name}>
              <span aria-hidden="true" style={{ color: s.colour }}>
                {s.dashed ? '- - ' : '—— '}
              </span>
              {s.name}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
