import { ErrorNotice, FormError } from '../../ui/notices.tsx';
import { ROLE_NAMES } from '../../ui/role-names.ts';
import { type Approval, useApprovals, useDecideApproval } from './approvals-api.ts';

const REASON_TEXT: Readonly<Record<Approval['reason'], string>> = {
  create: 'New account',
  'role-change': 'Role change',
  're-enable': 'Enabling again',
  'credential-reset': 'Password or second factor reset',
};

function ApprovalRow({ approval }: { approval: Approval }) {
  const decide = useDecideApproval();
  const { user } = approval;
  const mutate = (decision: 'approve' | 'refuse') => decide.mutate({ id: approval.id, decision });
  return (
    <tr>
      <th scope="row">
        {user.name}
        <span className="cell-sub">{user.email}</span>
      </th>
      <td>
        {REASON_TEXT[approval.reason]}: {ROLE_NAMES[user.currentRole]} to {ROLE_NAMES.analyst}
        <span className="cell-sub">
          {user.agency.name} ({user.agency.code})
        </span>
      </td>
      <td>
        {approval.requestedBy?.name ?? 'Command-line tool'}
        <span className="cell-sub">{new Date(approval.requestedAt).toLocaleString('en-GB')}</span>
      </td>
      <td>
        <div className="button-row">
          <button
            type="button"
            className="button button--small button--primary"
            onClick={() => mutate('approve')}
            disabled={!approval.mayApprove || decide.isPending}
            aria-label={`Approve analyst role for ${user.name}`}
          >
            Approve
          </button>
          <button
            type="button"
            className="button button--small button--danger"
            onClick={() => mutate('refuse')}
            disabled={decide.isPending}
            aria-label={`Refuse analyst role for ${user.name}`}
          >
            {approval.mayApprove ? 'Refuse' : 'Withdraw'}
          </button>
        </div>
        {!approval.mayApprove && (
          <p className="hint">You asked for this: another administrator (or the chair) approves.</p>
        )}
        <FormError error={decide.error} />
      </td>
    </tr>
  );
}

/**
 * Requests for the analyst role waiting for a second person. Renders nothing for someone who
 * may not decide them (a chair where the partnership has several admins) or when none wait.
 */
export function ApprovalsPanel({ standalone = false }: { standalone?: boolean }) {
  const approvals = useApprovals();
  if (approvals.isError) return <ErrorNotice error={approvals.error} what="pending approvals" />;
  if (!approvals.data?.mayDecide || approvals.data.approvals.length === 0) return null;
  const panel = (
    <section className="panel" aria-labelledby="approvals-heading">
      <h2 id="approvals-heading">Waiting for approval</h2>
      <p>
        The analyst role reads record-level intelligence, so a second person approves each grant.
      </p>
      <table className="table">
        <caption className="visually-hidden">Requests for the analyst role</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Request</th>
            <th scope="col">Asked by</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {approvals.data.approvals.map((a) => (
            <ApprovalRow key={a.id} approval={a} />
          ))}
        </tbody>
      </table>
    </section>
  );
  // Above another page (the chair's action board) it takes that page's frame.
  return standalone ? <div className="page page--wide">{panel}</div> : panel;
}
