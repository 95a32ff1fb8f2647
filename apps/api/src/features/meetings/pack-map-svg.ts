import {
  countClass,
  countColour,
  HOTSPOT_STATUS_STYLES,
  type HotspotStatus,
} from '@hotspot/contracts';
import { lngLatToBng } from '@hotspot/ingest';
import type { Geometry, Position } from 'geojson';

/**
 * A map as inline SVG, drawn from WGS84 GeoJSON without tiles or network: district boundaries,
 * disclosure-controlled hexagon counts and a hotspot's generalised area, projected to British
 * National Grid metres so distances look right. The same inputs always give the same bytes, so
 * a meeting pack renders deterministically.
 */

export interface MapHexagon {
  readonly geometry: Geometry | null;
  /** The disclosed count: a number (rounded, at least k) or suppressed. */
  readonly count: { count: number } | { suppressed: true; fewerThan: number } | undefined;
}

export interface PackMapInput {
  readonly districts: readonly { name: string; geometry: Geometry }[];
  readonly hexagons: readonly MapHexagon[];
  /** Lower bounds of the count classes (countClassBounds), the same for every map of a pack. */
  readonly bounds: readonly number[];
  /**
   * The item's hotspot area (generalised), drawn on top in its status's colour and line pattern
   * as the map draws it; the map is fitted to it.
   */
  readonly focus: { readonly geometry: Geometry | null; readonly status: HotspotStatus } | null;
  readonly title: string;
}

const WIDTH = 1000;
const HEIGHT = 560;
/** The smallest extent shown around a hotspot, so its surroundings are recognisable. */
const MIN_FOCUS_EXTENT_METERS = 3000;

type Box = { minX: number; minY: number; maxX: number; maxY: number };

function rings(geometry: Geometry | null): Position[][] {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

function projectRing(ring: readonly Position[]): [number, number][] {
  return ring.map(([lng, lat]) => lngLatToBng(lng!, lat!) as [number, number]);
}

function boxOf(projected: readonly (readonly [number, number])[][]): Box | null {
  let box: Box | null = null;
  for (const ring of projected) {
    for (const [x, y] of ring) {
      box = box
        ? {
            minX: Math.min(box.minX, x),
            minY: Math.min(box.minY, y),
            maxX: Math.max(box.maxX, x),
            maxY: Math.max(box.maxY, y),
          }
        : { minX: x, minY: y, maxX: x, maxY: y };
    }
  }
  return box;
}

/** Grows a box to the map's aspect ratio (and a minimum size), centred, with a margin. */
function fitted(box: Box, minExtent: number): Box {
  const cx = (box.minX + box.maxX) / 2;
  const cy = (box.minY + box.maxY) / 2;
  let w = Math.max((box.maxX - box.minX) * 1.25, minExtent);
  let h = Math.max((box.maxY - box.minY) * 1.25, minExtent * (HEIGHT / WIDTH));
  if (w / h > WIDTH / HEIGHT) h = w * (HEIGHT / WIDTH);
  else w = h * (WIDTH / HEIGHT);
  return { minX: cx - w / 2, minY: cy - h / 2, maxX: cx + w / 2, maxY: cy + h / 2 };
}

function intersects(a: Box, b: Box): boolean {
  return a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;
}

/**
 * Fill for a disclosed count, in the map's palette and classes; null for a suppressed cell,
 * which the map does not draw either.
 */
export function hexagonFill(count: MapHexagon['count'], bounds: readonly number[]): string | null {
  if (!count || 'suppressed' in count) return null;
  return countColour(countClass(count.count, bounds), bounds.length);
}

export function renderPackMapSvg(input: PackMapInput): string {
  const districts = input.districts.map((d) => ({
    name: d.name,
    rings: rings(d.geometry).map(projectRing),
  }));
  const focusRings = rings(input.focus?.geometry ?? null).map(projectRing);
  const focusBox = boxOf(focusRings);
  const allDistricts = boxOf(districts.flatMap((d) => d.rings));
  const base = focusBox ??
    allDistricts ?? { minX: 380_000, minY: 270_000, maxX: 386_000, maxY: 276_000 };
  const view = fitted(base, focusBox ? MIN_FOCUS_EXTENT_METERS : 0);
  const scale = WIDTH / (view.maxX - view.minX);
  // Vertices closer than about one output unit add bytes, not detail.
  const tolerance = 0.8 / scale;
  const toPath = (ringsToDraw: readonly (readonly [number, number])[][]) =>
    ringsToDraw
      .map((ring) => {
        const kept: (readonly [number, number])[] = [];
        for (const p of ring) {
          const last = kept[kept.length - 1];
          if (!last || Math.abs(p[0] - last[0]) > tolerance || Math.abs(p[1] - last[1]) > tolerance)
            kept.push(p);
        }
        if (kept.length < 3) return '';
        return `M${kept.map(([x, y]) => `${((x - view.minX) * scale).toFixed(1)} ${((view.maxY - y) * scale).toFixed(1)}`).join('L')}Z`;
      })
      .join('');

  const hexPaths = input.hexagons
    .flatMap((h) => {
      const fill = hexagonFill(h.count, input.bounds);
      return fill === null ? [] : [{ fill, rings: rings(h.geometry).map(projectRing) }];
    })
    .filter((h) => {
      const box = boxOf(h.rings);
      return box !== null && intersects(box, view);
    })
    .map(
      (h) =>
        `<path d="${toPath(h.rings)}" fill="${h.fill}" fill-opacity="0.8" stroke="#505a5f" stroke-width="0.5"/>`,
    )
    .join('');
  const districtPaths = districts
    .map(
      (d) =>
        `<path d="${toPath(d.rings)}" fill="none" stroke="#4d4d4d" stroke-width="1.5" stroke-linejoin="round"><title>${escapeXml(d.name)}</title></path>`,
    )
    .join('');
  const focusStyle = input.focus ? HOTSPOT_STATUS_STYLES[input.focus.status] : null;
  const focusPath =
    focusRings.length && focusStyle
      ? `<path d="${toPath(focusRings)}" fill="${focusStyle.colour}" fill-opacity="0.15" stroke="${focusStyle.colour}" stroke-width="4" stroke-linejoin="round"${
          focusStyle.dash
            ? ` stroke-dasharray="${focusStyle.dash
                .split(' ')
                .map((n) => Number(n) * 2)
                .join(' ')}"`
            : ''
        }/>`
      : '';
  const barMeters = niceBarMeters((view.maxX - view.minX) / 5);
  const barUnits = barMeters * scale;
  const scaleBar = `<g transform="translate(20 ${HEIGHT - 24})"><rect x="-6" y="-18" width="${(barUnits + 80).toFixed(1)}" height="30" fill="#ffffff" fill-opacity="0.85"/><path d="M0 0H${barUnits.toFixed(1)}" stroke="#000" stroke-width="3"/><text x="${(barUnits + 8).toFixed(1)}" y="5" font-size="16" fill="#000">${barMeters >= 1000 ? `${barMeters / 1000} km` : `${barMeters} m`}</text></g>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(input.title)}" class="pack-map"><rect width="${WIDTH}" height="${HEIGHT}" fill="#f7f7f4"/>${hexPaths}${districtPaths}${focusPath}${scaleBar}</svg>`;
}

function niceBarMeters(target: number): number {
  const steps = [100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 25_000, 50_000];
  return steps.reduce(
    (best, s) => (Math.abs(s - target) < Math.abs(best - target) ? s : best),
    steps[0]!,
  );
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
