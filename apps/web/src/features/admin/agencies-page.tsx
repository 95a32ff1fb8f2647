import { type FormEvent, useState } from 'react';
import { fieldError, SavedNotice, SelectField, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import {
  AGENCY_KINDS,
  type Agency,
  type AgencyKind,
  useAgencies,
  useChangeAgency,
  useCreateAgency,
} from './admin-api.ts';

const KIND_NAMES: Readonly<Record<AgencyKind, string>> = {
  police: 'Police',
  council: 'Council',
  regulatory: 'Regulatory services',
  housing: 'Housing',
  health: 'Health',
  education: 'Education',
  children: "Children's services",
  voluntary: 'Voluntary sector',
  other: 'Other',
};
const KIND_OPTIONS = AGENCY_KINDS.map((k) => ({ value: k, label: KIND_NAMES[k] }));

function AgencyRow({ agency }: { agency: Agency }) {
  const change = useChangeAgency();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(agency.name);
  const [kind, setKind] = useState<AgencyKind>(agency.kind);
  const [email, setEmail] = useState(agency.email ?? '');
  const [saved, setSaved] = useState(false);
  const save = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { id: agency.id, change: { name, kind, email: email.trim() === '' ? null : email.trim() } },
      {
        onSuccess: () => {
          setEditing(false);
          setSaved(true);
        },
      },
    );
  };
  return (
    <tr>
      <th scope="row">{agency.code}</th>
      {editing ? (
        <td colSpan={3}>
          <form onSubmit={save} className="inline-form" aria-label={`Change ${agency.name}`}>
            <TextField
              label="Name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(change.error, 'name')}
            />
            <SelectField
              label="Kind"
              options={KIND_OPTIONS}
              value={kind}
              onChange={(e) => setKind(e.currentTarget.value as AgencyKind)}
            />
            <TextField
              label="Contact email"
              type="email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={fieldError(change.error, 'email')}
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
        </td>
      ) : (
        <>
          <td>{agency.name}</td>
          <td>{KIND_NAMES[agency.kind]}</td>
          <td>{agency.email ?? '—'}</td>
        </>
      )}
      <td>
        {!editing && (
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
            aria-label={`Change ${agency.name}`}
          >
            Change
          </button>
        )}
        <SavedNotice show={saved}>Saved.</SavedNotice>
      </td>
    </tr>
  );
}

function NewAgencyForm() {
  const create = useCreateAgency();
  const empty = { code: '', name: '', kind: 'council' as AgencyKind, email: '' };
  const [form, setForm] = useState(empty);
  const [added, setAdded] = useState<string | undefined>();
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        code: form.code.trim().toUpperCase(),
        name: form.name,
        kind: form.kind,
        email: form.email.trim() === '' ? null : form.email.trim(),
      },
      {
        onSuccess: (agency) => {
          setAdded(agency.name);
          setForm(empty);
        },
      },
    );
  };
  const e = create.error;
  return (
    <form onSubmit={submit} className="panel" aria-labelledby="new-agency-heading">
      <h2 id="new-agency-heading">Add an agency</h2>
      <FormError error={e} />
      <div className="form-grid">
        <TextField
          label="Short code"
          hint="Capitals, digits and hyphens, e.g. WRS. It cannot be changed later."
          value={form.code}
          onChange={(ev) => set({ code: ev.currentTarget.value })}
          error={fieldError(e, 'code')}
          required
        />
        <TextField
          label="Name"
          value={form.name}
          onChange={(ev) => set({ name: ev.currentTarget.value })}
          error={fieldError(e, 'name')}
          required
        />
        <SelectField
          label="Kind"
          options={KIND_OPTIONS}
          value={form.kind}
          onChange={(ev) => set({ kind: ev.currentTarget.value as AgencyKind })}
        />
        <TextField
          label="Contact email (optional)"
          type="email"
          value={form.email}
          onChange={(ev) => set({ email: ev.currentTarget.value })}
          error={fieldError(e, 'email')}
        />
      </div>
      <button type="submit" className="button button--primary" disabled={create.isPending}>
        Add agency
      </button>
      <SavedNotice show={added !== undefined}>Added {added}.</SavedNotice>
    </form>
  );
}

export function AgenciesPage() {
  const agencies = useAgencies();
  return (
    <div className="page">
      <h1>Agencies</h1>
      {agencies.isPending ? (
        <LoadingNotice what="agencies" />
      ) : agencies.isError ? (
        <ErrorNotice error={agencies.error} what="agencies" />
      ) : (
        <>
          <table className="table">
            <caption className="visually-hidden">Agencies in this partnership</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Contact email</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {agencies.data.map((a) => (
                <AgencyRow key={a.id} agency={a} />
              ))}
            </tbody>
          </table>
          <NewAgencyForm />
        </>
      )}
    </div>
  );
}
