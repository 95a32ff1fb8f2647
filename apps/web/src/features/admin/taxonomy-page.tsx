import { type FormEvent, useState } from 'react';
import { fieldError, SavedNotice, TextField } from '../../ui/fields.tsx';
import { ErrorNotice, FormError, LoadingNotice } from '../../ui/notices.tsx';
import {
  type PoliceUkMapping,
  type TaxonomyItem,
  type TaxonomyKind,
  useAddTaxonomyItem,
  useChangeTaxonomyItem,
  usePoliceUkMapping,
  useSavePoliceUkMapping,
  useTaxonomy,
} from './admin-api.ts';

const NOUNS: Readonly<Record<TaxonomyKind, { one: string; many: string }>> = {
  categories: { one: 'category', many: 'Categories of concern' },
  'place-types': { one: 'place type', many: 'Place types' },
};

function TaxonomyRow({ kind, item }: { kind: TaxonomyKind; item: TaxonomyItem }) {
  const change = useChangeTaxonomyItem(kind);
  const [editing, setEditing] = useState(false);
  const [label, setLabel] = useState(item.label);
  const save = (event: FormEvent) => {
    event.preventDefault();
    change.mutate({ code: item.code, change: { label } }, { onSuccess: () => setEditing(false) });
  };
  return (
    <tr className={item.retired ? 'row--retired' : undefined}>
      <th scope="row">
        <code>{item.code}</code>
      </th>
      <td>
        {editing ? (
          <form onSubmit={save} className="inline-form" aria-label={`Relabel ${item.code}`}>
            <TextField
              label="Label"
              value={label}
              onChange={(e) => setLabel(e.currentTarget.value)}
              error={fieldError(change.error, 'label')}
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
          item.label
        )}
      </td>
      <td>{item.retired ? 'Retired' : 'In use'}</td>
      <td>
        <div className="button-row">
          {!editing && (
            <button
              type="button"
              className="button button--small"
              onClick={() => setEditing(true)}
              aria-label={`Relabel ${item.label}`}
            >
              Relabel
            </button>
          )}
          <button
            type="button"
            className="button button--small"
            disabled={change.isPending}
            onClick={() => change.mutate({ code: item.code, change: { retired: !item.retired } })}
            aria-label={`${item.retired ? 'Restore' : 'Retire'} ${item.label}`}
          >
            {item.retired ? 'Restore' : 'Retire'}
          </button>
        </div>
        <FormError
          error={change.error && !fieldError(change.error, 'label') ? change.error : null}
        />
      </td>
    </tr>
  );
}

function NewItemForm({ kind }: { kind: TaxonomyKind }) {
  const add = useAddTaxonomyItem(kind);
  const [code, setCode] = useState('');
  const [label, setLabel] = useState('');
  const [added, setAdded] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(
      { code: code.trim(), label },
      {
        onSuccess: (item) => {
          setAdded(item.label);
          setCode('');
          setLabel('');
        },
      },
    );
  };
  const noun = NOUNS[kind].one;
  return (
    <form onSubmit={submit} className="inline-form inline-form--wide" aria-label={`Add a ${noun}`}>
      <TextField
        label={`New ${noun} code`}
        hint="Lower-case words joined by hyphens; permanent."
        value={code}
        onChange={(e) => setCode(e.currentTarget.value)}
        error={fieldError(add.error, 'code')}
        required
      />
      <TextField
        label={`New ${noun} label`}
        value={label}
        onChange={(e) => setLabel(e.currentTarget.value)}
        error={fieldError(add.error, 'label')}
        required
      />
      <button type="submit" className="button button--primary" disabled={add.isPending}>
        Add {noun}
      </button>
      <FormError
        error={
          add.error && !fieldError(add.error, 'code') && !fieldError(add.error, 'label')
            ? add.error
            : null
        }
      />
      <SavedNotice show={added !== undefined}>Added {added}.</SavedNotice>
    </form>
  );
}

function TaxonomySection({ kind }: { kind: TaxonomyKind }) {
  const items = useTaxonomy(kind);
  const headingId = `taxonomy-${kind}`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{NOUNS[kind].many}</h2>
      {items.isPending ? (
        <LoadingNotice what={NOUNS[kind].many.toLowerCase()} />
      ) : items.isError ? (
        <ErrorNotice error={items.error} what={NOUNS[kind].many.toLowerCase()} />
      ) : (
        <table className="table">
          <caption className="visually-hidden">{NOUNS[kind].many}</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Label</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.data.map((item) => (
              <TaxonomyRow key={item.code} kind={kind} item={item} />
            ))}
          </tbody>
        </table>
      )}
      <NewItemForm kind={kind} />
    </section>
  );
}

function MappingEditor({
  mapping,
  categories,
}: {
  mapping: PoliceUkMapping;
  categories: readonly TaxonomyItem[];
}) {
  const save = useSavePoliceUkMapping();
  const [rows, setRows] = useState(mapping.mappings.map((m) => ({ ...m })));
  const [saved, setSaved] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    save.mutate({ mappings: rows }, { onSuccess: () => setSaved(true) });
  };
  return (
    <form onSubmit={submit}>
      <FormError error={save.error} />
      <table className="table">
        <caption className="visually-hidden">police.uk crime types and their categories</caption>
        <thead>
          <tr>
            <th scope="col">police.uk crime type</th>
            <th scope="col">Category</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={row.crimeType}>
              <th scope="row">{row.crimeType}</th>
              <td>
                <select
                  aria-label={`Category for ${row.crimeType}`}
                  value={row.categoryCode}
                  onChange={(e) => {
                    const categoryCode = e.currentTarget.value;
                    setRows((r) => r.map((x, j) => (j === i ? { ...x, categoryCode } : x)));
                  }}
                >
                  {categories.map((c) => (
                    <option key={c.code} value={c.code}>
                      {c.label}
                      {c.retired ? ' (retired)' : ''}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        Save mapping
      </button>
      <SavedNotice show={saved}>Mapping saved.</SavedNotice>
    </form>
  );
}

function PoliceUkMappingSection() {
  const mapping = usePoliceUkMapping();
  const categories = useTaxonomy('categories');
  return (
    <section aria-labelledby="mapping-heading">
      <h2 id="mapping-heading">police.uk crime types</h2>
      <p className="hint">
        Rows of a police.uk upload take the category mapped here; unmapped crime types are not
        imported.
      </p>
      {mapping.isPending || categories.isPending ? (
        <LoadingNotice what="the mapping" />
      ) : mapping.isError ? (
        <ErrorNotice error={mapping.error} what="the mapping" />
      ) : categories.isError ? (
        <ErrorNotice error={categories.error} what="categories" />
      ) : (
        <MappingEditor
          key={mapping.dataUpdatedAt}
          mapping={mapping.data}
          categories={categories.data}
        />
      )}
    </section>
  );
}

export function TaxonomyPage() {
  return (
    <div className="page">
      <h1>Taxonomy</h1>
      <p>
        What analysts can record: the categories of concern and the place types. Codes are
        permanent; retire an entry to stop it being used for new records.
      </p>
      <TaxonomySection kind="categories" />
      <TaxonomySection kind="place-types" />
      <PoliceUkMappingSection />
    </div>
  );
}
