/**
 * Marks the first time an intelligence layer reaches the map, for the performance budget
 * ("first hexagon or hotspot layer drawn <= 2 s after navigation"): a `performance.mark` the
 * benchmark reads, once per page load.
 */
export function markLayerDrawn(layer: string, features: number): void {
  // An empty layer has drawn nothing a person can see.
  if (typeof performance === 'undefined' || features === 0) return;
  // Leaflet draws synchronously when the layer is added; the next frame has it on screen.
  requestAnimationFrame(() => {
    if (performance.getEntriesByName('map:first-layer').length === 0) {
      performance.mark('map:first-layer', { detail: layer });
    }
    if (performance.getEntriesByName(`map:layer:${layer}`).length === 0) {
      performance.mark(`map:layer:${layer}`);
    }
  });
}
