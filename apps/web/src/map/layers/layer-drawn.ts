/**
 * Marks the first time an intelligence layer reaches the map, for the performance budget
 * ("first hexagon or hotspot layer drawn <= 2 s after navigation"): a `performance.mark` the
 * benchmark reads, once per page load.
 */
export function markLayerDrawn(layer: string): void {
  if (typeof performance === 'undefined') return;
  // Leaflet draws synchronously when the layer is added; the next frame has it on screen.
  requestAnimationFrame(() => {
    if (performance.getEntriesByName('map:first-layer').length === 0) {
      performance.mark('map:first-layer', { detail: layer });
    }
    performance.mark(`map:layer:${layer}`);
  });
}
