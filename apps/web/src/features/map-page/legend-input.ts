import type { LegendInput } from '../../map/layer-styles.ts';
import { toShownCount } from '../map/layer-api.ts';
import type { MapLayers } from './map-layers.ts';

/** What the legend needs from the loaded layers (legendFor draws it). */
export function legendInputOf(layers: MapLayers): LegendInput {
  const { hexagons, density, hotspots, actions, points, clusters, emerging } = layers;
  return {
    ...(hexagons.data
      ? {
          hexagons: {
            bounds: layers.hexBounds,
            suppressedBelow: hexagons.data.features.some(
              (f) => toShownCount(f.properties.count)?.kind === 'suppressed',
            )
              ? (hexagons.data.disclosure?.suppressionK ?? null)
              : null,
            ...(hexagons.data.disclosure?.perturbationBound !== undefined
              ? {
                  published: {
                    k: hexagons.data.disclosure.suppressionK,
                    bound: hexagons.data.disclosure.perturbationBound,
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(density.data
      ? {
          density: {
            bands: density.data.features.map((f) => ({
              lower: Number(f.properties.lower ?? 0),
              upper: Number(f.properties.upper ?? 0),
            })),
            unit: String(density.data.unit ?? 'reports per km²'),
          },
        }
      : {}),
    ...(hotspots.data
      ? { hotspots: { statuses: hotspots.data.features.map((f) => String(f.properties.status)) } }
      : {}),
    ...(actions.data ? { actions: { statuses: layers.markers.map((m) => m.status) } } : {}),
    ...(points.data ? { points: { clustered: points.data.clustered === true } } : {}),
    ...(clusters.data ? { clusters: { count: clusters.data.features.length } } : {}),
    ...(emerging.data
      ? { emerging: { patterns: emerging.data.features.map((f) => String(f.properties.pattern)) } }
      : {}),
  };
}
