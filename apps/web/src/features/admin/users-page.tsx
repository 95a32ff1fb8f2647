import { ROLES, type Role } from '@hotspot/contracts';
import { type FormEvent, useState } from 'react';
import { fieldError, SavedNotice, SelectField, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import { ROLE_NAMES } from '../../ui/role-names.ts';
import {
  type AdminUser,
  type AdminUserWithEnrolment,
  type Agency,
  useAgencies,
  useChangeUser,
  useCreateUser,
  useResetPassword,
  useResetSecondFactor,
  useUsers,
} from './admin-api.ts';
import { ApprovalsPanel } from './approvals-panel.tsx';

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));

function agencyOptions(agencies: readonly Agency[]) {
  return agencies.map((a) => ({ value: a.code, label: `${a.name} (${a.code})` }));
}

/**
 * The enrolment link, shown once: the admin hands it over and never learns the password the
 * user then chooses. Not kept anywhere after this page forgets it.
 */
function EnrolmentNotice({ user }: { user: AdminUserWithEnrolment }) {
  const { enrolment } = user;
  return (
    <div className="notice" role="status" aria-label={`Enrolment link for ${user.name}`}>
      <p>
        Give {user.name} this one-time link, shown only now
        {enrolment.emailed ? ' (it was also emailed to them)' : ''}. It works once, until{' '}
        {new Date(enrolment.expiresAt).toLocaleString('en-GB')}; they choose their own password
        there.
      </p>
      <p className="secret">
        <code data-testid="enrolment-link">{enrolment.link}</code>
      </p>
      {user.awaitingApproval && (
        <p>
          The analyst role waits for a second administrator (or, with a single administrator, the
          chair) to approve it.
        </p>
      )}
    </div>
  );
}

function NewUserForm({ agencies }: { agencies: readonly Agency[] }) {
  const create = useCreateUser();
  const empty = { email: '', name: '', role: 'viewer' as Role, agencyCode: '' };
  const [form, setForm] = useState(empty);
  const [created, setCreated] = useState<AdminUserWithEnrolment | undefined>();
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(undefined);
    create.mutate(
      { ...form, agencyCode: form.agencyCode || (agencies[0]?.code ?? '') },
      {
        onSuccess: (user) => {
          setCreated(user);
          setForm(empty);
        },
      },
    );
  };
  const e = create.error;
  return (
    <form onSubmit={submit} aria-labelledby="new-user-heading" className="panel">
      <h2 id="new-user-heading">Add a user</h2>
      <FormError error={e && !fieldError(e, 'email') ? e : null} />
      <div className="form-grid">
        <TextField
          label="Name"
          value={form.name}
          onChange={(ev) => set({ name: ev.currentTarget.value })}
          error={fieldError(e, 'name')}
          required
        />
        <TextField
          label="Email address"
          type="email"
          autoComplete="off"
          value={form.email}
          onChange={(ev) => set({ email: ev.currentTarget.value })}
          error={fieldError(e, 'email')}
          required
        />
        <SelectField
          label="Role"
          options={ROLE_OPTIONS}
          value={form.role}
          onChange={(ev) => set({ role: ev.currentTarget.value as Role })}
        />
        <SelectField
          label="Agency"
          options={agencyOptions(agencies)}
          value={form.agencyCode || (agencies[0]?.code ?? '')}
          onChange={(ev) => set({ agencyCode: ev.currentTarget.value })}
          error={fieldError(e, 'agencyCode')}
        />
      </div>
      <button type="submit" className="button button--primary" disabled={create.isPending}>
        Add user
      </button>
      <SavedNotice show={created !== undefined}>Added {created?.email}.</SavedNotice>
      {created && <EnrolmentNotice user={created} />}
    </form>
  );
}

function UserRow({ user, agencies }: { user: AdminUser; agencies: readonly Agency[] }) {
  const change = useChangeUser();
  const reset = useResetSecondFactor();
  const resetPassword = useResetPassword();
  const [enrolment, setEnrolment] = useState<AdminUserWithEnrolment | undefined>();
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<Role>(user.role);
  const [agencyCode, setAgencyCode] = useState(user.agency.code);
  const [message, setMessage] = useState<string | undefined>();

  const save = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { id: user.id, change: { role, agencyCode } },
      {
        onSuccess: (after) => {
          setEditing(false);
          setMessage(
            after.awaitingApproval
              ? `Saved. The analyst role for ${user.name} waits for a second approval.`
              : `Saved. ${user.name} must sign in again.`,
          );
        },
      },
    );
  };
  const toggleDisabled = () =>
    change.mutate(
      { id: user.id, change: { disabled: !user.disabled } },
      {
        onSuccess: (after) =>
          setMessage(
            after.awaitingApproval
              ? `Enabling ${user.name} waits for a second approval.`
              : user.disabled
                ? `${user.name} can sign in again.`
                : `${user.name} is disabled.`,
          ),
      },
    );
  const resetFactor = () => {
    if (
      !window.confirm(
        `Reset the second factor of ${user.name}? They set it up again at their next sign-in.`,
      )
    )
      return;
    reset.mutate(user.id, {
      onSuccess: () => setMessage(`Second factor of ${user.name} reset.`),
    });
  };

  const newPassword = () => {
    if (
      !window.confirm(
        `Reset the password of ${user.name}? Their current password stops working and you get a one-time link for them to choose a new one.`,
      )
    )
      return;
    resetPassword.mutate(user.id, { onSuccess: setEnrolment });
  };

  return (
    <tr>
      <th scope="row">
        {user.name}
        <span className="cell-sub">{user.email}</span>
      </th>
      <td>
        {editing ? (
          <form onSubmit={save} className="inline-form" aria-label={`Change ${user.name}`}>
            <SelectField
              label="Role"
              options={ROLE_OPTIONS}
              value={role}
              onChange={(ev) => setRole(ev.currentTarget.value as Role)}
            />
            <SelectField
              label="Agency"
              options={agencyOptions(agencies)}
              value={agencyCode}
              onChange={(ev) => setAgencyCode(ev.currentTarget.value)}
            />
            <div className="button-row">
              <button type="submit" className="button button--primary button--small">
                Save
              </button>
              <button
                type="button"
                className="button button--small"
                onClick={() => setEditing(false)}
              >
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <>
            {ROLE_NAMES[user.role]}
            <span className="cell-sub">
              {user.agency.name} ({user.agency.code})
            </span>
          </>
        )}
      </td>
      <td>{user.mfaEnrolled ? 'Set up' : 'Not set up'}</td>
      <td>
        {user.disabled ? <span className="status-bad">Disabled</span> : 'Active'}
        {user.awaitingApproval && <span className="cell-sub">Awaiting approval</span>}
        {!user.passwordSet && <span className="cell-sub">Not enrolled yet</span>}
      </td>
      <td>
        <div className="button-row">
          {!editing && (
            <button
              type="button"
              className="button button--small"
              onClick={() => setEditing(true)}
              aria-label={`Change role or agency of ${user.name}`}
            >
              Change
            </button>
          )}
          <button
            type="button"
            className={`button button--small ${user.disabled ? '' : 'button--danger'}`}
            onClick={toggleDisabled}
            disabled={change.isPending}
            aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.name}`}
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={resetFactor}
            disabled={reset.isPending || !user.mfaEnrolled}
            aria-label={`Reset second factor of ${user.name}`}
          >
            Reset second factor
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={newPassword}
            disabled={resetPassword.isPending}
            aria-label={`Reset password of ${user.name}`}
          >
            Reset password
          </button>
        </div>
        <FormError error={change.error ?? reset.error ?? resetPassword.error} />
        <SavedNotice show={message !== undefined}>{message}</SavedNotice>
        {enrolment && <EnrolmentNotice user={enrolment} />}
      </td>
    </tr>
  );
}

export function UsersPage() {
  const users = useUsers();
  const agencies = useAgencies();
  return (
    <div className="page">
      <h1>Users</h1>
      {users.isPending || agencies.isPending ? (
        <LoadingNotice what="users" />
      ) : users.isError ? (
        <ErrorNotice error={users.error} what="users" />
      ) : agencies.isError ? (
        <ErrorNotice error={agencies.error} what="agencies" />
      ) : (
        <>
          <ApprovalsPanel />
          <table className="table">
            <caption className="visually-hidden">Users of this partnership</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role and agency</th>
                <th scope="col">Second factor</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <UserRow key={u.id} user={u} agencies={agencies.data} />
              ))}
            </tbody>
          </table>
          <NewUserForm agencies={agencies.data} />
        </>
      )}
    </div>
  );
}
