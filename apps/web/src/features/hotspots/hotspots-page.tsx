import { Link } from '../../routing/router.tsx';
import { ErrorNotice, LoadingNotice } from '../../ui/notices.tsx';
import { formatDay } from '../actions/actions-api.ts';
import { riskLabel } from './hotspot-view.ts';
import { HOTSPOT_STATUS_LABELS, useHotspots } from './hotspots-api.ts';

/** The hotspots the tasking group tracks, most recently changed first. */
export function HotspotsPage() {
  const hotspots = useHotspots();
  return (
    <div className="page page--wide">
      <h1>Hotspots</h1>
      <p>
        Hotspots are proposed from the <Link href="/map">map</Link>; confirm them here, assign
        actions and follow them to closure.
      </p>
      {hotspots.isPending ? (
        <LoadingNotice what="hotspots" />
      ) : hotspots.isError ? (
        <ErrorNotice error={hotspots.error} what="hotspots" />
      ) : hotspots.data.hotspots.length === 0 ? (
        <p>No hotspots yet.</p>
      ) : (
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">Hotspot</th>
              <th scope="col">Status</th>
              <th scope="col">Risk</th>
              <th scope="col">Review</th>
              <th scope="col">Open actions</th>
            </tr>
          </thead>
          <tbody>
            {hotspots.data.hotspots.map((h) => (
              <tr key={h.id} className={h.overdueActions > 0 ? 'row--overdue' : undefined}>
                <th scope="row" className="cell-wrap">
                  <Link href={`/hotspots/${h.id}`}>{h.name}</Link>
                </th>
                <td>{HOTSPOT_STATUS_LABELS[h.status]}</td>
                <td>{h.risk ? riskLabel(h.risk) : '—'}</td>
                <td>
                  {h.reviewOn ? formatDay(h.reviewOn) : '—'}
                  {h.reviewDue && <span className="badge badge--overdue">Review due</span>}
                </td>
                <td>
                  {h.openActions}
                  {h.overdueActions > 0 && (
                    <span className="badge badge--overdue">{h.overdueActions} overdue</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
