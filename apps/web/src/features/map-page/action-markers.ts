import { ACTION_STATUSES, type ActionStatus } from '../../map/layer-styles.ts';
import type { ActionMarker } from '../../map/layers/actions-layer.tsx';
import type { ActionSummary } from '../map/hotspot-api.ts';
import type { LayerResponse } from '../map/layer-api.ts';

const ACTION_URGENCY: readonly ActionStatus[] = [
  'assigned',
  'acknowledged',
  'in_progress',
  'declined',
  'completed',
];

function centreOfGeometry(feature: LayerResponse['features'][number]): [number, number] | null {
  const g = feature.geometry;
  const rings =
    g?.type === 'Polygon'
      ? [g.coordinates[0]]
      : g?.type === 'MultiPolygon'
        ? g.coordinates.map((p) => p[0])
        : [];
  const points = rings.flatMap((r) => r ?? []);
  if (points.length === 0) return null;
  const lats = points.map((p) => p[1] ?? 0);
  const lngs = points.map((p) => p[0] ?? 0);
  return [(Math.min(...lats) + Math.max(...lats)) / 2, (Math.min(...lngs) + Math.max(...lngs)) / 2];
}

/** One marker per hotspot that has actions the user may see, in the most pressing status. */
export function actionMarkers(
  hotspots: LayerResponse | undefined,
  actions: readonly ActionSummary[] | undefined,
): ActionMarker[] {
  if (!hotspots || !actions) return [];
  const markers: ActionMarker[] = [];
  for (const f of hotspots.features) {
    const id = String(f.properties.hotspotId);
    const mine = actions.filter((a) => a.hotspotId === id);
    const centre = centreOfGeometry(f);
    if (mine.length === 0 || !centre) continue;
    const status =
      ACTION_URGENCY.find((s) => mine.some((a) => a.status === s)) ?? ('assigned' as ActionStatus);
    const overdue = mine.filter((a) => a.overdue).length;
    const byStatus = ACTION_STATUSES.flatMap((s) => {
      const n = mine.filter((a) => a.status === s).length;
      return n > 0 ? [`${n} ${s.replace('_', ' ')}`] : [];
    });
    markers.push({
      hotspotId: id,
      hotspotName: String(f.properties.name ?? 'Hotspot'),
      position: centre,
      status,
      count: mine.length,
      summary: `${mine.length} ${mine.length === 1 ? 'action' : 'actions'} (${byStatus.join(', ')})${overdue > 0 ? `, ${overdue} overdue` : ''}`,
    });
  }
  return markers;
}
