import { useRef, useState } from 'react';
import { TileLayer } from 'react-leaflet';

/** Consecutive tile failures before the notice shows: one stray error is not an outage. */
const FAILURES_BEFORE_NOTICE = 2;

export interface BaseTileLayerProps {
  readonly url: string;
  readonly attribution: string;
}

/**
 * The background map (OpenStreetMap by default; the URL comes from the API). When tiles
 * cannot be loaded the map says so, and boundaries and data stay visible above the gap.
 */
export function BaseTileLayer({ url, attribution }: BaseTileLayerProps) {
  const consecutiveFailures = useRef(0);
  const [failing, setFailing] = useState(false);
  return (
    <>
      <TileLayer
        url={url}
        attribution={attribution}
        maxZoom={19}
        eventHandlers={{
          tileerror: () => {
            consecutiveFailures.current += 1;
            if (consecutiveFailures.current >= FAILURES_BEFORE_NOTICE) setFailing(true);
          },
          tileload: () => {
            consecutiveFailures.current = 0;
            setFailing(false);
          },
        }}
      />
      {failing && (
        <div className="map-notice" role="status" data-testid="tile-notice">
          Map tiles could not be loaded; boundaries and data are still shown.
        </div>
      )}
    </>
  );
}
