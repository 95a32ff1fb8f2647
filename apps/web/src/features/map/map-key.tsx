import type L from 'leaflet';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { type KeyCorner, leastCoveredCorner, type Point } from './key-placement.ts';

/** Below this map width the key starts folded: on a phone it would cover most of the map. */
const OPEN_FROM_WIDTH = 640;

/** The centres of the shapes drawn on the map (SVG paths), in the map container's pixels. */
function drawnCentres(container: HTMLElement): Point[] {
  const frame = container.getBoundingClientRect();
  return [...container.querySelectorAll<SVGPathElement>('.leaflet-map-pane svg path')].flatMap(
    (path) => {
      const r = path.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return [];
      return [{ x: r.left + r.width / 2 - frame.left, y: r.top + r.height / 2 - frame.top }];
    },
  );
}

/**
 * The map's key: collapsible, open by default only where the map has room, and placed in the
 * corner that covers the fewest drawn shapes, moving as the map is panned, zoomed or resized
 * and as layers are drawn, so it never sits on the data when a free corner exists.
 */
export function MapKey({ map, children }: { map: L.Map | null; children: ReactNode }) {
  const key = useRef<HTMLDetailsElement>(null);
  const [open] = useState(
    () => (map?.getContainer().clientWidth ?? window.innerWidth) >= OPEN_FROM_WIDTH,
  );
  const [corner, setCorner] = useState<KeyCorner>('top-right');

  useEffect(() => {
    const element = key.current;
    if (!map || !element) return;
    const place = () => {
      const container = map.getContainer();
      const size = { width: container.clientWidth, height: container.clientHeight };
      const box = { width: element.offsetWidth, height: element.offsetHeight };
      setCorner(leastCoveredCorner(drawnCentres(container), size, box));
    };
    // Layers draw after React renders them; wait for the browser's next frame to measure.
    let frame = 0;
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(place);
    };
    later();
    map.on('moveend zoomend resize layeradd layerremove', later);
    const resized = new ResizeObserver(later);
    resized.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      map.off('moveend zoomend resize layeradd layerremove', later);
      resized.disconnect();
    };
  }, [map]);

  return (
    <details
      ref={key}
      className={`map-legend map-legend--${corner}`}
      open={open}
      data-corner={corner}
    >
      <summary>
        <h2 className="map-legend__heading">Key</h2>
      </summary>
      {children}
    </details>
  );
}
