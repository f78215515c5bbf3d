import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../api';
import { graphql } from '../gql';
import type { AccessAction, RequestDatasetAccessMutation } from '../gql/graphql';
import { Link } from '../router';
import { Badge, Empty, ErrorBox, PageTitle, QueryView, human, statusTone, when } from '../ui';

const DatasetDocument = graphql(`
  query DatasetPage($namespace: String!, $name: String!) {
    dataset(namespace: $namespace, name: $name) {
      nodeId
      namespace
      name
      domain
      owner
      description
      tags
      updatedAt
      sourceName
      fields {
        name
        type
        description
        tags
      }
      models {
        id
        modelName
        version
        stage
      }
    }
    piiScans(namespace: $namespace, name: $name, first: 1) {
      nodes {
        id
        status
        finishedAt
        datasetSensitivity
        sampled
        columns {
          name
          field
          pii
          tags
          entities {
            type
            matchRatio
          }
        }
      }
    }
    accessPurposes {
      id
      description
    }
  }
`);

const RequestAccessDocument = graphql(`
  mutation RequestDatasetAccess($input: RequestDatasetAccessInput!) {
    requestDatasetAccess(input: $input) {
      request {
        id
        status
        reason
        ruleId
        decidedAutomatically
        durationDays
        requiredApprovals
        stage
      }
      grant {
        id
        expiresAt
        action
      }
    }
  }
`);

export function DatasetPage({ namespace, name }: { namespace: string; name: string }) {
  const state = useQuery(DatasetDocument, { namespace, name });
  return (
    <section>
      <p className="crumbs">
        <Link to="/datasets">Datasets</Link> / {namespace}
      </p>
      <QueryView state={state} what="the dataset">
        {({ dataset, piiScans, accessPurposes }) => {
          const scan = piiScans.nodes[0];
          const sensitivity = scan?.datasetSensitivity ?? 'INTERNAL';
          const findings = new Map((scan?.columns ?? []).map((c) => [c.field ?? c.name, c]));
          return (
            <>
              <PageTitle sub={dataset.description ?? undefined}>{dataset.name}</PageTitle>
              <dl className="facts">
                <div>
                  <dt>Sensitivity</dt>
                  <dd>
                    <Badge tone={statusTone(sensitivity)}>{human(sensitivity)}</Badge>
                    {!scan && <span className="muted small"> never scanned (the default)</span>}
                  </dd>
                </div>
                <div>
                  <dt>Domain</dt>
                  <dd>{dataset.domain}</dd>
                </div>
                <div>
                  <dt>Owner</dt>
                  <dd>{dataset.owner ?? 'none'}</dd>
                </div>
                <div>
                  <dt>Last PII scan</dt>
                  <dd>{scan ? `${human(scan.status)}, ${when(scan.finishedAt)}` : 'none'}</dd>
                </div>
                <div>
                  <dt>Updated</dt>
                  <dd>{when(dataset.updatedAt)}</dd>
                </div>
              </dl>
              <p>
                <Link to={`/lineage?node=${encodeURIComponent(dataset.nodeId)}`}>Show lineage</Link>
              </p>
              <h2>Schema and personal data</h2>
              {dataset.fields.length === 0 ? (
                <Empty>No schema has been reported for this dataset yet.</Empty>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Column</th>
                      <th scope="col">Type</th>
                      <th scope="col">Personal data found</th>
                      <th scope="col">Tags</th>
                    </tr>
                  </thead>
                  <tbody>
                    {dataset.fields.map((f) => {
                      const finding = findings.get(f.name);
                      return (
                        <tr key={f.name}>
                          <th scope="row">
                            {f.name}
                            {f.description && <div className="muted small">{f.description}</div>}
                          </th>
                          <td>{f.type ?? '—'}</td>
                          <td>
                            {finding?.entities.length ? (
                              finding.entities.map((e) => (
                                <Badge key={e.type} tone="warn">
                                  {e.type} {Math.round(e.matchRatio * 100)}%
                                </Badge>
                              ))
                            ) : (
                              <span className="muted">{scan ? 'none' : 'not scanned'}</span>
                            )}
                          </td>
                          <td>
                            {f.tags.length ? (
                              f.tags.map((t) => (
                                <Badge key={t} tone={t.startsWith('PII') ? 'warn' : 'neutral'}>
                                  {t}
                                </Badge>
                              ))
                            ) : (
                              <span className="muted">—</span>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
              {dataset.models.length > 0 && (
                <>
                  <h2>Models trained on it</h2>
                  <ul>
                    {dataset.models.map((m) => (
                      <li key={m.id}>
                        {m.modelName} {m.version} <Badge>{human(m.stage)}</Badge>
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <RequestAccess namespace={dataset.namespace} name={dataset.name} fields={dataset.fields.map((f) => f.name)} purposes={accessPurposes} />
            </>
          );
        }}
      </QueryView>
    </section>
  );
}

type Decision = RequestDatasetAccessMutation['requestDatasetAccess'];

function RequestAccess({ namespace, name, purposes }: { namespace: string; name: string; fields: string[]; purposes: { id: string; description: string }[] }) {
  const [purpose, setPurpose] = useState(purposes[0]?.id ?? '');
  const [action, setAction] = useState<AccessAction>('READ');
  const [durationDays, setDuration] = useState(30);
  const [justification, setJustification] = useState('');
  const [decision, setDecision] = useState<Decision>();
  const [request, { pending, error }] = useMutation(RequestAccessDocument);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const data = await request({ input: { namespace, name, purpose, action, durationDays, justification: justification || undefined } });
    if (data) setDecision(data.requestDatasetAccess);
  };
  return (
    <section className="panel" aria-labelledby="request-access">
      <h2 id="request-access">Request access</h2>
      {purposes.length === 0 ? (
        <Empty>No access purposes are configured, so requests cannot be made. Ask your administrator.</Empty>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="stack">
          <label>
            Purpose
            <select value={purpose} onChange={(e) => setPurpose(e.target.value)} required>
              {purposes.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.id} — {p.description}
                </option>
              ))}
            </select>
          </label>
          <label>
            Access
            <select value={action} onChange={(e) => setAction(e.target.value as AccessAction)}>
              <option value="READ">Read</option>
              <option value="READ_MASKED">Read, personal data masked</option>
              <option value="EXPORT">Export</option>
            </select>
          </label>
          <label>
            Duration (days, 1–365)
            <input type="number" min={1} max={365} value={durationDays} onChange={(e) => setDuration(Number(e.target.value))} required />
          </label>
          <label>
            Justification
            <textarea
              value={justification}
              onChange={(e) => setJustification(e.target.value)}
              rows={3}
              placeholder="What you will do with the data, for the reviewers"
            />
          </label>
          <div>
            <button type="submit" className="primary" disabled={pending}>
              {pending ? 'Sending…' : 'Request access'}
            </button>
          </div>
        </form>
      )}
      {error && <ErrorBox error={error} />}
      {decision && (
        <div className="decision" role="status" aria-live="polite">
          <p>
            <strong>Decision:</strong> <Badge tone={statusTone(decision.request.status)}>{human(decision.request.status)}</Badge>{' '}
            {decision.request.decidedAutomatically ? 'decided at once by the access rules' : 'waiting for a person'}
            {decision.request.stage && ` (with the ${human(decision.request.stage)})`}
          </p>
          <p>
            <strong>Reason:</strong> {decision.request.reason ?? 'no reason given'}
            {decision.request.ruleId && <span className="muted"> — rule {decision.request.ruleId}</span>}
          </p>
          {decision.grant && <p>Access granted until {when(decision.grant.expiresAt)}.</p>}
          {decision.request.status === 'ESCALATED' && (
            <p>
              {decision.request.requiredApprovals} approval(s) needed. Follow it in <Link to="/my-requests">My requests</Link>.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
