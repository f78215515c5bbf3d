import { useState, type FormEvent } from 'react';
import { useQuery } from '../api';
import { graphql } from '../gql';
import type { DatasetSort, Sensitivity } from '../gql/graphql';
import { Link, setQuery, useLocation } from '../router';
import { Badge, Empty, PageTitle, Pager, Person, QueryView, statusTone, useCursorPages, when } from '../ui';

const DatasetsDocument = graphql(`
  query Datasets(
    $first: Int!
    $after: String
    $namePrefix: String
    $namespace: String
    $tag: String
    $owner: String
    $domain: String
    $sensitivity: Sensitivity
    $sort: DatasetSort!
  ) {
    datasets(
      first: $first
      after: $after
      namePrefix: $namePrefix
      namespace: $namespace
      tag: $tag
      owner: $owner
      domain: $domain
      sensitivity: $sensitivity
      sort: $sort
    ) {
      nodes {
        nodeId
        namespace
        name
        domain
        owner
        ownerPerson {
          id
          name
          email
        }
        sensitivity
        tags
        updatedAt
        description
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const FILTERS = ['name', 'namespace', 'tag', 'owner', 'domain', 'sensitivity'] as const;
const SENSITIVITIES: Sensitivity[] = ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED'];
const asSensitivity = (v: string): Sensitivity | undefined => SENSITIVITIES.find((s) => s === v);

export function DatasetsPage() {
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const sort: DatasetSort = query.get('sort') === 'UPDATED_AT' ? 'UPDATED_AT' : 'NAME';
  const [draft, setDraft] = useState(filters);
  const pages = useCursorPages(JSON.stringify([filters, sort]));
  const state = useQuery(DatasetsDocument, {
    first: 25,
    after: pages.after,
    namePrefix: filters.name || undefined,
    namespace: filters.namespace || undefined,
    tag: filters.tag || undefined,
    owner: filters.owner || undefined,
    domain: filters.domain || undefined,
    sensitivity: asSensitivity(filters.sensitivity),
    sort,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery(draft);
  };
  return (
    <section>
      <PageTitle sub="Datasets you may read. Filters run on the server.">Datasets</PageTitle>
      <form className="filters" onSubmit={submit} role="search" aria-label="Search datasets">
        <label>
          Name starts with
          <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </label>
        <label>
          Tag
          <input value={draft.tag} placeholder="e.g. PII:EMAIL_ADDRESS" onChange={(e) => setDraft({ ...draft, tag: e.target.value })} />
        </label>
        <label>
          Owner
          <input value={draft.owner} placeholder="id or e-mail" onChange={(e) => setDraft({ ...draft, owner: e.target.value })} />
        </label>
        <label>
          Domain
          <input value={draft.domain} onChange={(e) => setDraft({ ...draft, domain: e.target.value })} />
        </label>
        <label>
          Sensitivity
          <select value={draft.sensitivity} onChange={(e) => setDraft({ ...draft, sensitivity: e.target.value })}>
            <option value="">Any</option>
            {SENSITIVITIES.map((v) => (
              <option key={v} value={v}>
                {v.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Namespace
          <input value={draft.namespace} onChange={(e) => setDraft({ ...draft, namespace: e.target.value })} />
        </label>
        <label>
          Sort
          <select value={sort} onChange={(e) => setQuery({ sort: e.target.value === 'NAME' ? undefined : e.target.value })}>
            <option value="NAME">Name</option>
            <option value="UPDATED_AT">Recently updated</option>
          </select>
        </label>
        <div className="actions">
          <button type="submit" className="primary">
            Search
          </button>
          <button
            type="button"
            onClick={() => {
              const cleared = { name: '', namespace: '', tag: '', owner: '', domain: '', sensitivity: '' };
              setDraft(cleared);
              setQuery(cleared);
            }}
          >
            Clear
          </button>
          <button type="button" onClick={() => setQuery({ ...draft, tag: 'PII' })}>
            With personal data
          </button>
        </div>
      </form>
      <QueryView state={state} what="datasets">
        {({ datasets }) =>
          datasets.nodes.length === 0 ? (
            <Empty>
              <p>No dataset matches these filters{pages.page > 1 ? ' on this page' : ''}.</p>
              <p>
                Try a shorter name prefix, another tag, or clear the filters. Datasets appear here once their lineage is ingested and you may read their domain.
              </p>
            </Empty>
          ) : (
            <>
              <table>
                <caption className="sr-only">Datasets</caption>
                <thead>
                  <tr>
                    <th scope="col">Dataset</th>
                    <th scope="col">Domain</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Sensitivity</th>
                    <th scope="col">Tags</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {datasets.nodes.map((d) => (
                    <tr key={d.nodeId}>
                      <td>
                        <Link to={`/datasets/${encodeURIComponent(d.namespace)}/${encodeURIComponent(d.name)}`}>{d.name}</Link>
                        <div className="muted small">{d.namespace}</div>
                      </td>
                      <td>{d.domain}</td>
                      <td>{d.owner ? <Person person={d.ownerPerson} fallback={d.owner} /> : <span className="muted">no owner</span>}</td>
                      <td>
                        <Badge tone={statusTone(d.sensitivity)}>{d.sensitivity.toLowerCase()}</Badge>
                      </td>
                      <td>
                        {d.tags.length === 0 ? (
                          <span className="muted">—</span>
                        ) : (
                          d.tags.map((t) => (
                            <Badge key={t} tone={t.startsWith('PII') ? 'warn' : 'neutral'}>
                              {t}
                            </Badge>
                          ))
                        )}
                      </td>
                      <td>{when(d.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager
                page={pages.page}
                hasNext={datasets.pageInfo.hasNextPage}
                onNext={() => pages.next(datasets.pageInfo.endCursor)}
                onPrevious={pages.previous}
              />
            </>
          )
        }
      </QueryView>
    </section>
  );
}
