import type { HotspotStatus } from './domain.ts';

/**
 * The colours and classes the map draws with, shared by the web map and the meeting pack's
 * printed maps so the two cannot disagree (issue 18: the pack had its own reds and bands).
 * Palettes are ColorBrewer / Okabe-Ito (colour-blind safe); statuses also differ by line pattern
 * so colour is never the only cue.
 */

/** ColorBrewer YlGnBu, 5 classes: hexagon counts (light = few, dark = many). */
export const COUNT_PALETTE = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'] as const;

const NICE_BOUNDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] as const;

/**
 * Lower bounds of up to five count classes for counts from `min` up to `max`, on a "nice"
 * 1-2-5 scale spread over the range (counts are skewed: a few busy cells, many quiet ones).
 * `min` is the smallest count drawn: 1 for analysts, and for everyone else the smallest
 * disclosed count (at least k, rounded to 5), so no class is offered that cannot occur.
 * Example: `countClassBounds(60, 5)` is `[5, 10, 20, 50]`.
 */
export function countClassBounds(max: number, min = 1): readonly number[] {
  const low = Math.max(1, Math.floor(min));
  const candidates = [low, ...NICE_BOUNDS.filter((b) => b > low && b <= Math.max(low, max))];
  if (candidates.length <= COUNT_PALETTE.length) return candidates;
  const last = candidates.length - 1;
  const picks = Array.from({ length: COUNT_PALETTE.length }, (_, i) =>
    Math.round((i * last) / (COUNT_PALETTE.length - 1)),
  );
  return [...new Set(picks)].map((i) => candidates[i] ?? 1);
}

/** Index of the class a count falls into (the last bound at or below it). */
export function countClass(count: number, bounds: readonly number[]): number {
  let index = 0;
  bounds.forEach((b, i) => {
    if (count >= b) index = i;
  });
  return index;
}

/** Colour for a count class: spread over the palette so 2 classes use its ends. */
export function countColour(index: number, classes: number): string {
  if (classes <= 1) return COUNT_PALETTE[COUNT_PALETTE.length - 1] ?? '#253494';
  const at = Math.round((index * (COUNT_PALETTE.length - 1)) / (classes - 1));
  return COUNT_PALETTE[at] ?? '#253494';
}

/** Key rows for a count class list: "1", "2–4", "5–9", "50 or more". */
export function countClassLabels(bounds: readonly number[]): readonly string[] {
  return bounds.map((b, i) => {
    const next = bounds[i + 1];
    if (next === undefined) return `${b.toLocaleString('en-GB')} or more`;
    if (next - 1 === b) return b.toLocaleString('en-GB');
    return `${b.toLocaleString('en-GB')}–${(next - 1).toLocaleString('en-GB')}`;
  });
}

/** Okabe-Ito colours, line patterns and the screens' words for hotspot statuses. */
export const HOTSPOT_STATUS_STYLES: Readonly<
  Record<HotspotStatus, { colour: string; dash: string | null; label: string }>
> = {
  proposed: { colour: '#e69f00', dash: '6 4', label: 'Proposed' },
  confirmed: { colour: '#d55e00', dash: null, label: 'Confirmed' },
  tasked: { colour: '#cc79a7', dash: null, label: 'Tasked' },
  monitoring: { colour: '#0072b2', dash: '2 4', label: 'Monitoring' },
  closed: { colour: '#6b6b6b', dash: '1 5', label: 'Closed' },
};
