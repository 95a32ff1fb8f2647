import type { LegendSection, Swatch } from '../../map/layer-styles.ts';

function SwatchIcon({ swatch }: { readonly swatch: Swatch }) {
  switch (swatch.kind) {
    case 'fill':
      return (
        <svg className="swatch" viewBox="0 0 20 20" aria-hidden="true">
          <rect x="1" y="1" width="18" height="18" fill={swatch.fill} stroke={swatch.stroke} />
        </svg>
      );
    case 'hatch':
      return (
        <svg className="swatch" viewBox="0 0 20 20" aria-hidden="true">
          <rect
            x="1"
            y="1"
            width="18"
            height="18"
            fill="url(#suppressed-hatch)"
            stroke={swatch.stroke}
          />
        </svg>
      );
    case 'outline':
      return (
        <svg className="swatch" viewBox="0 0 20 20" aria-hidden="true">
          <rect
            x="2"
            y="2"
            width="16"
            height="16"
            fill="none"
            stroke={swatch.stroke}
            strokeWidth="3"
            strokeDasharray={swatch.dash ?? undefined}
          />
        </svg>
      );
    case 'marker':
      return (
        <span
          className="swatch swatch--marker"
          style={{ background: swatch.fill }}
          aria-hidden="true"
        >
          {swatch.symbol}
        </span>
      );
    case 'dot':
      return (
        <svg className="swatch" viewBox="0 0 20 20" aria-hidden="true">
          <circle cx="10" cy="10" r="4" fill={swatch.fill} stroke="#fff" />
        </svg>
      );
  }
}

/** The key to what is drawn: built by `legendFor` from the layers' own style configuration. */
export function LegendPanel({ sections }: { readonly sections: readonly LegendSection[] }) {
  if (sections.length === 0) return <p className="hint">Switch on a layer to see its key.</p>;
  return (
    <div className="legend" data-testid="legend">
      {sections.map((section) => (
        <section
          key={section.layer}
          className="legend__section"
          aria-label={`Key: ${section.title}`}
        >
          <h3 className="legend__title">{section.title}</h3>
          <ul className="legend__list">
            {section.entries.map((entry) => (
              <li key={entry.label}>
                <SwatchIcon swatch={entry.swatch} />
                <span>{entry.label}</span>
              </li>
            ))}
          </ul>
          {section.note && <p className="hint">{section.note}</p>}
        </section>
      ))}
    </div>
  );
}
