import { Link } from '../../routing/router.tsx';
import { type ActionSummary, formatDay, PRIORITY_LABELS, STATUS_LABELS } from './actions-api.ts';

/** A table of actions; overdue ones are marked in words and colour, not colour alone. */
export function ActionTable({
  actions,
  caption,
  showAgency,
}: {
  actions: readonly ActionSummary[];
  caption: string;
  showAgency: boolean;
}) {
  return (
    <table className="table table--compact action-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Action</th>
          <th scope="col">Hotspot</th>
          <th scope="col">Priority</th>
          {showAgency && <th scope="col">Agency</th>}
          <th scope="col">Due</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((a) => (
          <tr key={a.id} className={a.overdue ? 'row--overdue' : undefined}>
            <th scope="row" className="cell-wrap">
              <Link href={`/actions/${a.id}`}>{a.title}</Link>
            </th>
            <td className="cell-wrap">{a.hotspotName}</td>
            <td>{PRIORITY_LABELS[a.priority]}</td>
            {showAgency && <td>{a.agency.code}</td>}
            <td>
              <DueOn action={a} />
            </td>
            <td>{STATUS_LABELS[a.status]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The due date, flagged when the action is overdue: as every action table shows it. */
export function DueOn({ action }: { action: Pick<ActionSummary, 'dueOn' | 'overdue'> }) {
  return (
    <>
      {formatDay(action.dueOn)}
      {action.overdue && <span className="badge badge--overdue">Overdue</span>}
    </>
  );
}
