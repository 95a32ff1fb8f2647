import { ErrorNotice, LoadingNotice } from '../../ui/notices.tsx';
import { useTemplateDocs } from './batches-api.ts';

/** The template's columns and the partnership's codes, for whoever fills the template in. */
export function TemplateColumns() {
  const docs = useTemplateDocs();
  return (
    <details className="template-columns">
      <summary>Template columns and allowed codes</summary>
      {docs.isPending && <LoadingNotice what="the column list" />}
      {docs.isError && <ErrorNotice error={docs.error} what="the column list" />}
      {docs.data && (
        <>
          <p>
            Each row needs exactly one location: longitude and latitude, or easting and northing
            (British National Grid), or an OS grid reference such as “SO 8315 7658”. Excel files
            saved as CSV (UTF-8 or Windows) work as they are.
          </p>
          <table className="table table--compact">
            <caption className="visually-hidden">Template columns</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Needed</th>
                <th scope="col">Format</th>
                <th scope="col">Meaning</th>
              </tr>
            </thead>
            <tbody>
              {docs.data.columns.map((c) => (
                <tr key={c.name}>
                  <th scope="row">
                    <code>{c.name}</code>
                  </th>
                  <td>
                    {c.required === 'yes' ? 'Yes' : c.required === 'location' ? 'Location' : 'No'}
                  </td>
                  <td>{c.format}</td>
                  <td>{c.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <CodeList title="Categories" items={docs.data.vocabulary.categories} />
          <CodeList title="Place types" items={docs.data.vocabulary.placeTypes} />
          <CodeList title="Agencies" items={docs.data.vocabulary.agencies} />
        </>
      )}
    </details>
  );
}

function CodeList({
  title,
  items,
}: {
  title: string;
  items: readonly { code: string; label: string }[];
}) {
  return (
    <>
      <h3>{title}</h3>
      <ul className="code-list">
        {items.map((i) => (
          <li key={i.code}>
            <code>{i.code}</code> {i.label}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Elapsed whole seconds while `running`, for the commit indicator. */
