import { csvLine } from '../audit/index.ts';
import type { LayerCollection } from '../disclosure/index.ts';

/** CSV: one row per feature; disclosed counts as numbers or "fewer than k"; geometry as GeoJSON. */
export function layerToCsv(collection: LayerCollection): string {
  const keys = [...new Set(collection.features.flatMap((f) => Object.keys(f.properties ?? {})))];
  const cell = (value: unknown) => {
    if (value && typeof value === 'object' && 'suppressed' in value) {
      return `fewer than ${(value as unknown as { fewerThan: number }).fewerThan}`;
    }
    if (value && typeof value === 'object' && 'count' in value)
      return (value as { count: number }).count;
    return value;
  };
  let out = csvLine([...keys, 'geometry']);
  for (const f of collection.features) {
    out += csvLine([
      ...keys.map((k) => cell(f.properties?.[k])),
      f.geometry ? JSON.stringify(f.geometry) : '',
    ]);
  }
  return out;
}
