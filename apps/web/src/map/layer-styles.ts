/**
 * How every intelligence layer is coloured, and its legend, from one configuration: the layer
 * components style features with these functions and the legend is derived from the same
 * classes, so the two cannot disagree. Palettes are ColorBrewer / Okabe-Ito (colour-blind safe),
 * and statuses also differ by line pattern so colour is never the only cue.
 */
import {
  ACTION_STATUS_LABELS,
  countClassLabels,
  countColour,
  HOTSPOT_STATUS_STYLES,
  HOTSPOT_STATUSES,
} from '@hotspot/contracts';
import type { MapLayerId } from '../url-state/map-view-state.ts';

// Count classes and hotspot styles live in @hotspot/contracts: the meeting pack prints its maps
// with the same ones.
export {
  COUNT_PALETTE,
  countClass,
  countClassBounds,
  countClassLabels,
  countColour,
  HOTSPOT_STATUS_STYLES,
  HOTSPOT_STATUSES,
  type HotspotStatus,
} from '@hotspot/contracts';

/** ColorBrewer RdBu, 7 classes: Gi* bins +3..-3 (99/95/90 % hot, not significant, cold). */
export const GISTAR_BINS = [3, 2, 1, 0, -1, -2, -3] as const;
export type GistarBin = (typeof GISTAR_BINS)[number];
export const GISTAR_COLOURS: Readonly<Record<GistarBin, string>> = {
  3: '#b2182b',
  2: '#ef8a62',
  1: '#fddbc7',
  0: '#f7f7f7',
  [-1]: '#d1e5f0',
  [-2]: '#67a9cf',
  [-3]: '#2166ac',
};
export const GISTAR_LABELS: Readonly<Record<GistarBin, string>> = {
  3: 'Hot spot, 99 % confidence',
  2: 'Hot spot, 95 % confidence',
  1: 'Hot spot, 90 % confidence',
  0: 'Not significant (no colour)',
  [-1]: 'Cold spot, 90 % confidence',
  [-2]: 'Cold spot, 95 % confidence',
  [-3]: 'Cold spot, 99 % confidence',
};

/** ColorBrewer YlOrRd, by number of classes: kernel density bands (light = low). */
const DENSITY_PALETTES: Readonly<Record<number, readonly string[]>> = {
  1: ['#fd8d3c'],
  2: ['#fecc5c', '#e31a1c'],
  3: ['#ffeda0', '#feb24c', '#f03b20'],
  4: ['#ffffb2', '#fecc5c', '#fd8d3c', '#e31a1c'],
  5: ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'],
  6: ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026'],
  7: ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#fc4e2a', '#e31a1c', '#b10026'],
};

export function densityPalette(classes: number): readonly string[] {
  const n = Math.max(1, Math.min(7, Math.round(classes)));
  return DENSITY_PALETTES[n] ?? DENSITY_PALETTES[5] ?? [];
}

export const ACTION_STATUSES = [
  'assigned',
  'acknowledged',
  'in_progress',
  'completed',
  'declined',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_STATUS_STYLES: Readonly<
  Record<ActionStatus, { colour: string; symbol: string; label: string }>
> = {
  assigned: { colour: '#d55e00', symbol: '!', label: ACTION_STATUS_LABELS.assigned },
  acknowledged: { colour: '#e69f00', symbol: 'A', label: ACTION_STATUS_LABELS.acknowledged },
  in_progress: { colour: '#0072b2', symbol: '…', label: ACTION_STATUS_LABELS.in_progress },
  completed: { colour: '#009e73', symbol: '✓', label: ACTION_STATUS_LABELS.completed },
  declined: { colour: '#6b6b6b', symbol: '×', label: ACTION_STATUS_LABELS.declined },
};

/**
 * Emerging hot spot patterns (ArcGIS / sfdep): hot in reds, cold in blues, darker for the
 * patterns that most need attention now; the pattern's name is always in the tooltip, the key
 * and the table, so colour is not the only cue.
 */
export const EMERGING_PATTERNS = [
  'intensifying_hot_spot',
  'persistent_hot_spot',
  'new_hot_spot',
  'consecutive_hot_spot',
  'sporadic_hot_spot',
  'oscillating_hot_spot',
  'diminishing_hot_spot',
  'historical_hot_spot',
  'historical_cold_spot',
  'diminishing_cold_spot',
  'oscillating_cold_spot',
  'sporadic_cold_spot',
  'consecutive_cold_spot',
  'new_cold_spot',
  'persistent_cold_spot',
  'intensifying_cold_spot',
] as const;
export type EmergingPattern = (typeof EMERGING_PATTERNS)[number];
export const EMERGING_STYLES: Readonly<
  Record<EmergingPattern, { fill: string; dash: string | null; label: string }>
> = {
  intensifying_hot_spot: { fill: '#67000d', dash: null, label: 'Intensifying hot spot' },
  persistent_hot_spot: { fill: '#a50f15', dash: null, label: 'Persistent hot spot' },
  new_hot_spot: { fill: '#ef3b2c', dash: '4 3', label: 'New hot spot' },
  consecutive_hot_spot: { fill: '#fb6a4a', dash: null, label: 'Consecutive hot spot' },
  sporadic_hot_spot: { fill: '#fc9272', dash: '2 3', label: 'Sporadic hot spot' },
  oscillating_hot_spot: { fill: '#fcbba1', dash: '2 3', label: 'Oscillating hot spot' },
  diminishing_hot_spot: { fill: '#fdd0a2', dash: null, label: 'Diminishing hot spot' },
  historical_hot_spot: { fill: '#fee6ce', dash: '1 3', label: 'Historical hot spot' },
  historical_cold_spot: { fill: '#deebf7', dash: '1 3', label: 'Historical cold spot' },
  diminishing_cold_spot: { fill: '#c6dbef', dash: null, label: 'Diminishing cold spot' },
  oscillating_cold_spot: { fill: '#9ecae1', dash: '2 3', label: 'Oscillating cold spot' },
  sporadic_cold_spot: { fill: '#6baed6', dash: '2 3', label: 'Sporadic cold spot' },
  consecutive_cold_spot: { fill: '#4292c6', dash: null, label: 'Consecutive cold spot' },
  new_cold_spot: { fill: '#2171b5', dash: '4 3', label: 'New cold spot' },
  persistent_cold_spot: { fill: '#08519c', dash: null, label: 'Persistent cold spot' },
  intensifying_cold_spot: { fill: '#08306b', dash: null, label: 'Intensifying cold spot' },
};

export function isEmergingPattern(value: unknown): value is EmergingPattern {
  return typeof value === 'string' && value in EMERGING_STYLES;
}

export const CLUSTER_COLOUR = '#009e73';
/** A cluster's edge: near-black, visible over every hexagon colour and over the tiles. */
export const CLUSTER_EDGE = '#0b0c0c';
export const POINT_COLOUR = '#1d3557';
/** Suppressed cells: grey with a diagonal hatch (an SVG pattern defined once in the page). */
export const SUPPRESSED_FILL = 'url(#suppressed-hatch)';
export const SUPPRESSED_COLOUR = '#767676';

// ----- hexagon count classes -----

// ----- the legend -----

export type Swatch =
  | { readonly kind: 'fill'; readonly fill: string; readonly stroke: string }
  | { readonly kind: 'hatch'; readonly stroke: string }
  | { readonly kind: 'outline'; readonly stroke: string; readonly dash: string | null }
  | { readonly kind: 'marker'; readonly fill: string; readonly symbol: string }
  | { readonly kind: 'dot'; readonly fill: string };

export interface LegendEntry {
  readonly label: string;
  readonly swatch: Swatch;
}

export interface LegendSection {
  readonly layer: MapLayerId;
  readonly title: string;
  readonly entries: readonly LegendEntry[];
  readonly note?: string;
}

/** What the legend needs to know about the drawn data of each layer. */
export interface LegendInput {
  readonly hexagons?: {
    readonly bounds: readonly number[];
    readonly suppressedBelow: number | null;
    /** From the published table: cells below k are not drawn; counts within ±bound. */
    readonly published?: { readonly k: number; readonly bound: number };
  };
  readonly density?: {
    readonly bands: readonly { readonly lower: number; readonly upper: number }[];
    readonly unit: string;
  };
  readonly hotspots?: { readonly statuses: readonly string[] };
  readonly actions?: { readonly statuses: readonly string[] };
  readonly points?: { readonly clustered: boolean };
  readonly clusters?: { readonly count: number };
  readonly emerging?: { readonly patterns: readonly string[] };
}

const formatNumber = (n: number) =>
  n >= 100 ? Math.round(n).toLocaleString('en-GB') : String(Number(n.toPrecision(2)));

/** The key's words for counts from the published table. */
export function publishedNote(k: number, bound: number): string {
  return `Hexagons with fewer than ${k} reports are not shown. Each count is perturbed by at most ${bound}, so the same hexagon always shows the same number and no single report can be picked out.`;
}

/**
 * The legend for the layers drawn, in drawing order (top layer first), each section built from
 * the same classes and colours the layer uses. Layers without data yet have no section.
 */
export function legendFor(layers: readonly MapLayerId[], input: LegendInput): LegendSection[] {
  const sections: LegendSection[] = [];
  for (const layer of [...layers].reverse()) {
    switch (layer) {
      case 'points':
        if (input.points) {
          sections.push({
            layer,
            title: 'Reports',
            entries: [
              { label: 'One report', swatch: { kind: 'dot', fill: POINT_COLOUR } },
              ...(input.points.clustered
                ? [
                    {
                      label: 'Group of nearby reports (number shown)',
                      swatch: { kind: 'marker', fill: POINT_COLOUR, symbol: 'n' } as const,
                    },
                  ]
                : []),
            ],
          });
        }
        break;
      case 'actions':
        if (input.actions) {
          const present = ACTION_STATUSES.filter((s) => input.actions?.statuses.includes(s));
          sections.push({
            layer,
            title: 'Actions',
            entries: present.map((s) => ({
              label: ACTION_STATUS_STYLES[s].label,
              swatch: {
                kind: 'marker',
                fill: ACTION_STATUS_STYLES[s].colour,
                symbol: ACTION_STATUS_STYLES[s].symbol,
              },
            })),
            ...(present.length === 0 ? { note: 'No actions in view.' } : {}),
          });
        }
        break;
      case 'hotspots':
        if (input.hotspots) {
          const present = HOTSPOT_STATUSES.filter((s) => input.hotspots?.statuses.includes(s));
          sections.push({
            layer,
            title: 'Hotspots by status',
            entries: present.map((s) => ({
              label: HOTSPOT_STATUS_STYLES[s].label,
              swatch: {
                kind: 'outline',
                stroke: HOTSPOT_STATUS_STYLES[s].colour,
                dash: HOTSPOT_STATUS_STYLES[s].dash,
              },
            })),
            ...(present.length === 0 ? { note: 'No hotspots to show.' } : {}),
          });
        }
        break;
      case 'clusters':
        if (input.clusters) {
          sections.push({
            layer,
            title: 'DBSCAN clusters',
            entries: [
              {
                label: 'Cluster of reports',
                swatch: { kind: 'fill', fill: CLUSTER_COLOUR, stroke: CLUSTER_EDGE },
              },
            ],
            ...(input.clusters.count === 0 ? { note: 'No clusters found.' } : {}),
          });
        }
        break;
      case 'emerging':
        if (input.emerging) {
          const present = EMERGING_PATTERNS.filter((p) => input.emerging?.patterns.includes(p));
          sections.push({
            layer,
            title: 'Emerging hot and cold spots',
            entries: present.map((p) => ({
              label: EMERGING_STYLES[p].label,
              swatch: { kind: 'fill', fill: EMERGING_STYLES[p].fill, stroke: '#505a5f' },
            })),
            ...(present.length === 0 ? { note: 'No emerging patterns in this period.' } : {}),
          });
        }
        break;
      case 'gistar':
        sections.push({
          layer,
          title: 'Gi* hot and cold spots',
          entries: GISTAR_BINS.map((bin) => ({
            label: GISTAR_LABELS[bin],
            swatch:
              bin === 0
                ? { kind: 'outline', stroke: '#b1b4b6', dash: null }
                : { kind: 'fill', fill: GISTAR_COLOURS[bin], stroke: '#505a5f' },
          })),
        });
        break;
      case 'density':
        if (input.density) {
          const palette = densityPalette(input.density.bands.length);
          sections.push({
            layer,
            title: `Density (${input.density.unit})`,
            entries: input.density.bands.map((band, i) => ({
              label: `${formatNumber(band.lower)}–${formatNumber(band.upper)}`,
              swatch: { kind: 'fill', fill: palette[i] ?? '#bd0026', stroke: '#7f2704' },
            })),
            ...(input.density.bands.length === 0 ? { note: 'Too few reports to map.' } : {}),
          });
        }
        break;
      case 'hexagons':
        if (input.hexagons) {
          const { bounds, suppressedBelow, published } = input.hexagons;
          const labels = countClassLabels(bounds);
          sections.push({
            layer,
            title: 'Reports per hexagon',
            ...(published ? { note: publishedNote(published.k, published.bound) } : {}),
            entries: [
              ...labels.map((label, i) => ({
                label,
                swatch: {
                  kind: 'fill',
                  fill: countColour(i, bounds.length),
                  stroke: '#505a5f',
                } as const,
              })),
              ...(suppressedBelow !== null
                ? [
                    {
                      label: `Fewer than ${suppressedBelow}`,
                      swatch: { kind: 'hatch', stroke: SUPPRESSED_COLOUR } as const,
                    },
                  ]
                : []),
            ],
          });
        }
        break;
      default:
        break;
    }
  }
  return sections;
}
