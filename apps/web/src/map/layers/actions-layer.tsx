import L from 'leaflet';
import { Marker, Tooltip } from 'react-leaflet';
import { ACTION_STATUS_STYLES, type ActionStatus } from '../layer-styles.ts';

export interface ActionMarker {
  readonly hotspotId: string;
  readonly hotspotName: string;
  readonly position: readonly [number, number];
  /** The status that most needs attention among the hotspot's actions. */
  readonly status: ActionStatus;
  readonly count: number;
  readonly summary: string;
}

function icon(marker: ActionMarker) {
  const style = ACTION_STATUS_STYLES[marker.status];
  return L.divIcon({
    className: 'action-marker',
    html: `<span class="action-marker__badge" style="background:${style.colour}">${style.symbol}<span class="action-marker__count">${marker.count}</span></span>`,
    iconSize: [34, 34],
    iconAnchor: [17, 17],
  });
}

/** One marker per hotspot with actions, at its centre, coloured by the most pressing status. */
export function ActionsLayer({ markers }: { readonly markers: readonly ActionMarker[] }) {
  return (
    <>
      {markers.map((m) => (
        <Marker
          key={`${m.hotspotId}-${m.status}-${m.count}`}
          position={[m.position[0], m.position[1]]}
          icon={icon(m)}
          keyboard={false}
          title={`${m.hotspotName}: ${m.summary}`}
        >
          <Tooltip>{`${m.hotspotName}: ${m.summary}`}</Tooltip>
        </Marker>
      ))}
    </>
  );
}
