import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../api';
import { graphql } from '../gql';
import type { AccessAction, DatasetPageQuery, PiiVerdict, RequestDatasetAccessMutation } from '../gql/graphql';
import { Link } from '../router';
import { canReviewPii, useMe } from '../session';
import { Badge, Empty, ErrorBox, PageTitle, Person, QueryView, human, statusTone, when } from '../ui';

const DatasetDocument = graphql(`
  query DatasetPage($namespace: String!, $name: String!) {
    dataset(namespace: $namespace, name: $name) {
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
      description
      sensitivity
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
    piiVerdicts(namespace: $namespace, name: $name) {
      column
      entityType
      verdict
      decidedBy
      decidedByPerson {
        id
        name
        email
      }
      decidedAt
      note
    }
    accessPurposes {
      id
      description
    }
  }
`);

const SetPiiVerdictDocument = graphql(`
  mutation SetPiiVerdict($input: SetPiiVerdictInput!) {
    setPiiVerdict(input: $input) {
      column
      entityType
      verdict
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
  const canReview = canReviewPii(useMe().roles);
  return (
    <section>
      <p className="crumbs">
        <Link to="/datasets">Datasets</Link> / {namespace}
      </p>
      <QueryView state={state} what="the dataset">
        {({ dataset, piiScans, piiVerdicts, accessPurposes }) => {
          const scan = piiScans.nodes[0];
          const sensitivity = dataset.sensitivity;
          const findings = new Map((scan?.columns ?? []).map((c) => [c.field ?? c.name, c]));
          return (
            <>
              <PageTitle sub={dataset.description ?? undefined}>{dataset.name}</PageTitle>
              <dl className="facts">
                <div>
                  <dt>Sensitivity</dt>
                  <dd>
                    <Badge tone={statusTone(sensitivity)}>{human(sensitivity)}</Badge>
                    {!scan && <span className="muted small"> never scanned</span>}
                  </dd>
                </div>
                <div>
                  <dt>Domain</dt>
                  <dd>{dataset.domain}</dd>
                </div>
                <div>
                  <dt>Owner</dt>
                  <dd>{dataset.owner ? <Person person={dataset.ownerPerson} fallback={dataset.owner} /> : 'none'}</dd>
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
                                <Badge key={e.type} tone={verdictOf(piiVerdicts, f.name, e.type)?.verdict === 'REJECTED' ? 'neutral' : 'warn'}>
                                  {e.type} {Math.round(e.matchRatio * 100)}%{verdictLabel(verdictOf(piiVerdicts, f.name, e.type))}
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
              {canReview && (
                <PiiReview
                  namespace={dataset.namespace}
                  name={dataset.name}
                  findings={personalDataFindings(dataset.fields, scan?.columns ?? [])}
                  verdicts={piiVerdicts}
                  onDone={state.reload}
                />
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

type Verdict = DatasetPageQuery['piiVerdicts'][number];
type Field = DatasetPageQuery['dataset']['fields'][number];
type ScanColumn = NonNullable<DatasetPageQuery['piiScans']['nodes'][number]>['columns'][number];

function verdictOf(verdicts: Verdict[], column: string, entityType: string): Verdict | undefined {
  return verdicts.find((v) => v.column === column && v.entityType === entityType);
}

function verdictLabel(v: Verdict | undefined): string {
  return v ? ` · ${v.verdict === 'CONFIRMED' ? 'confirmed' : 'rejected'}` : '';
}

/** What a reviewer can judge: the last scan's findings and the fields' PII:<TYPE> tags (from earlier scans or curation). */
function personalDataFindings(fields: Field[], columns: ScanColumn[]): { column: string; entityType: string }[] {
  const seen = new Map<string, { column: string; entityType: string }>();
  const add = (column: string, entityType: string) => seen.set(`${column}\u0000${entityType}`, { column, entityType });
  for (const c of columns) for (const e of c.entities) add(c.field ?? c.name, e.type);
  for (const f of fields) for (const t of f.tags) if (t.startsWith('PII:')) add(f.name, t.slice('PII:'.length));
  return [...seen.values()];
}

function PiiReview({
  namespace,
  name,
  findings,
  verdicts,
  onDone,
}: {
  namespace: string;
  name: string;
  findings: { column: string; entityType: string }[];
  verdicts: Verdict[];
  onDone: () => void;
}) {
  const me = useMe();
  const [note, setNote] = useState('');
  const [setVerdict, { pending, error }] = useMutation(SetPiiVerdictDocument);
  const decide = (column: string, entityType: string, verdict: PiiVerdict) =>
    void setVerdict({ input: { namespace, name, column, entityType, verdict, note: note || undefined } }).then((ok) => {
      if (!ok) return;
      setNote('');
      onDone();
    });
  return (
    <section className="panel" aria-labelledby="pii-review">
      <h2 id="pii-review">Review personal-data findings</h2>
      {findings.length === 0 ? (
        <Empty>No personal data has been found in this dataset, so there is nothing to confirm or reject.</Empty>
      ) : (
        <>
          <p className="muted small">A verdict applies from the next scan: a rejected finding is no longer tagged, a confirmed one always is.</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Finding</th>
                <th scope="col">Verdict</th>
                <th scope="col">Decide</th>
              </tr>
            </thead>
            <tbody>
              {findings.map(({ column, entityType }) => {
                const v = verdictOf(verdicts, column, entityType);
                return (
                  <tr key={`${column}/${entityType}`}>
                    <th scope="row">{column}</th>
                    <td>{entityType}</td>
                    <td>
                      {v ? (
                        <>
                          <Badge tone={v.verdict === 'CONFIRMED' ? 'warn' : 'neutral'}>{human(v.verdict)}</Badge>{' '}
                          <span className="muted small">
                            by {v.decidedBy === me.id ? 'you' : <Person person={v.decidedByPerson} fallback={v.decidedBy} />}, {when(v.decidedAt)}
                            {v.note && ` — ${v.note}`}
                          </span>
                        </>
                      ) : (
                        <span className="muted">not reviewed</span>
                      )}
                    </td>
                    <td className="actions">
                      <button
                        type="button"
                        disabled={pending || v?.verdict === 'CONFIRMED'}
                        aria-label={`Confirm ${entityType} in ${column}`}
                        onClick={() => decide(column, entityType, 'CONFIRMED')}
                      >
                        Confirm
                      </button>
                      <button
                        type="button"
                        disabled={pending || v?.verdict === 'REJECTED'}
                        aria-label={`Reject ${entityType} in ${column}`}
                        onClick={() => decide(column, entityType, 'REJECTED')}
                      >
                        Reject
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <label>
            Note for the verdict (optional, kept in the audit log)
            <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
        </>
      )}
      {error && <ErrorBox error={error} />}
    </section>
  );
}
