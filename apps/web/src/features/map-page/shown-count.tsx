import type { Role } from '@hotspot/contracts';
import { formatShownCount, type LayerResponse, toShownCount } from '../map/layer-api.ts';

/** What the map shows, counted: reports (or hexagons, for the published layers) or hotspots. */
export function ShownCount({
  role,
  hexagons,
  hotspots,
  loading,
}: {
  readonly role: Role;
  readonly hexagons: LayerResponse | undefined;
  readonly hotspots: LayerResponse | undefined;
  readonly loading: boolean;
}) {
  let text = '';
  if (role === 'partner') {
    const n = hotspots?.features.length;
    text =
      n === undefined ? '' : `${n} ${n === 1 ? 'hotspot' : 'hotspots'} with your agency's actions`;
  } else if (hexagons) {
    const total = toShownCount(hexagons.totalRecords ?? hexagons.reports);
    if (total) {
      text = `${formatShownCount(total)} reports`;
    } else {
      // Non-analysts get no exact total: say what is drawn, suppressed cells as such.
      const counts = hexagons.features.map((f) => toShownCount(f.properties.count));
      const suppressed = counts.filter((c) => c?.kind === 'suppressed').length;
      const k = hexagons.disclosure?.suppressionK ?? 3;
      text = `${counts.length.toLocaleString('en-GB')} hexagons with reports${suppressed > 0 ? ` (${suppressed.toLocaleString('en-GB')} with fewer than ${k})` : ''}`;
    }
  }
  return (
    <p
      className="shown-count"
      role="status"
      aria-live="polite"
      data-testid="shown-count"
      aria-busy={loading}
    >
      {text || (loading ? 'Counting…' : '')}
    </p>
  );
}
