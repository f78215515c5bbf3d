import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../api';
import { graphql } from '../gql';
import type { ModelCardPageQuery } from '../gql/graphql';
import { Link } from '../router';
import { areasOf, useMe } from '../session';
import { Badge, Empty, ErrorBox, Loading, PageTitle, Person, QueryView, human, statusTone, when } from '../ui';

const ModelCardDocument = graphql(`
  query ModelCardPage($id: ID!) {
    modelCard(id: $id) {
      id
      modelName
      version
      modelVersionId
      status
      currentRevision
      approvals
      requiredApprovals
      content
      productionGate {
        passes
        failures {
          condition
          message
          waivedBy {
            name
            expiresAt
          }
        }
      }
      exceptions {
        id
        name
        reason
        waives
        active
        grantedAt
        expiresAt
        grantedBy
        grantedByPerson {
          id
          name
          email
        }
      }
      reviews {
        action
        actor
        actorPerson {
          id
          name
          email
        }
        comment
        createdAt
        revision
        signatureValid
      }
    }
    modelVersion(id: $id) {
      id
      stage
      framework
      trainingRunId
      datasets {
        nodeId
        role
      }
      stageHistory {
        from
        to
        changedAt
        changedBy
        changedByPerson {
          id
          name
          email
        }
        reason
      }
    }
    biasReports(modelVersionId: $id, first: 3) {
      nodes {
        id
        protectedAttribute
        createdAt
        cardRevision
        minGroupSize
        fourFifthsRuleViolated
        withinThresholds
        violations
        demographicParityRatio {
          value
        }
        groups {
          group
          count
          belowMinimum
          selectionRate {
            value
          }
        }
      }
    }
  }
`);

const CardDiffDocument = graphql(`
  query ModelCardDiff($id: ID!, $from: Int!, $to: Int!) {
    modelCard(id: $id) {
      id
      diff(from: $from, to: $to) {
        path
        op
        before
        after
      }
    }
  }
`);

const ApproveDocument = graphql(`
  mutation ApproveModelCard($input: ApproveModelCardInput!) {
    approveModelCard(input: $input) {
      id
      status
      approvals
      requiredApprovals
    }
  }
`);

const RequestChangesDocument = graphql(`
  mutation RequestModelCardChanges($input: RequestChangesInput!) {
    requestModelCardChanges(input: $input) {
      id
      status
    }
  }
`);

type Card = ModelCardPageQuery['modelCard'];
type Bias = ModelCardPageQuery['biasReports']['nodes'][number];

export function ModelCardPage({ id }: { id: string }) {
  const state = useQuery(ModelCardDocument, { id });
  return (
    <section>
      <p className="crumbs">
        <Link to="/models">Models</Link>
      </p>
      <QueryView state={state} what="the model card">
        {({ modelCard: card, modelVersion, biasReports }) => (
          <>
            <PageTitle
              sub={`Revision ${card.currentRevision} · ${card.approvals}/${card.requiredApprovals} approvals`}
            >{`${card.modelName} ${card.version}`}</PageTitle>
            <p>
              <Badge tone={statusTone(card.status)}>card {human(card.status)}</Badge> <Badge>{human(modelVersion.stage)}</Badge>
            </p>
            <ProductionGate card={card} stage={modelVersion.stage} />
            <Exceptions card={card} />
            <ReviewActions card={card} onDone={state.reload} />
            <h2>Changes since the last approval</h2>
            <CardDiff card={card} />
            <h2>Bias</h2>
            {biasReports.nodes.length === 0 ? (
              <Empty>No bias report has been computed for this version.</Empty>
            ) : (
              biasReports.nodes.map((b) => <BiasChart key={b.id} report={b} />)
            )}
            <h2>Card sections</h2>
            <Sections content={card.content} />
            <h2>Training data</h2>
            {modelVersion.datasets.length === 0 ? (
              <Empty>No dataset is linked to this version.</Empty>
            ) : (
              <ul>
                {modelVersion.datasets.map((d) => {
                  const [, ns = '', name = ''] = /^dataset:(.*):([^:]+)$/.exec(d.nodeId) ?? [];
                  return (
                    <li key={d.nodeId}>
                      <Link to={`/datasets/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`}>{name || d.nodeId}</Link>{' '}
                      <span className="muted">({human(d.role)})</span>
                    </li>
                  );
                })}
              </ul>
            )}
            <h2>Stage history</h2>
            <ol className="timeline">
              {modelVersion.stageHistory.map((s, i) => (
                <li key={i}>
                  {when(s.changedAt)}: {s.from ? `${human(s.from)} → ` : 'registered in '}
                  {human(s.to)}{' '}
                  <span className="muted">
                    by <Person person={s.changedByPerson} fallback={s.changedBy} />
                  </span>
                  {s.reason && ` — ${s.reason}`}
                </li>
              ))}
            </ol>
            <h2>Review trail</h2>
            {card.reviews.length === 0 ? (
              <Empty>No review activity yet.</Empty>
            ) : (
              <ol className="timeline">
                {card.reviews.map((r, i) => (
                  <li key={i}>
                    {when(r.createdAt)}: <strong>{human(r.action)}</strong> of revision {r.revision} by <Person person={r.actorPerson} fallback={r.actor} />
                    {r.signatureValid === false && <Badge tone="bad">signature no longer valid</Badge>}
                    {r.comment && <blockquote>{r.comment}</blockquote>}
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}

function ReviewActions({ card, onDone }: { card: Card; onDone: () => void }) {
  const me = useMe();
  const [comment, setComment] = useState('');
  const [approve, approving] = useMutation(ApproveDocument);
  const [requestChanges, requesting] = useMutation(RequestChangesDocument);
  if (!areasOf(me.roles).has('reviews') || card.status !== 'IN_REVIEW') return null;
  const done = (ok: unknown) => {
    if (ok) {
      setComment('');
      onDone();
    }
  };
  const onApprove = async (e: FormEvent) => {
    e.preventDefault();
    done(await approve({ input: { modelVersionId: card.modelVersionId, revision: card.currentRevision, comment: comment || undefined } }));
  };
  return (
    <form className="panel stack" onSubmit={(e) => void onApprove(e)} aria-labelledby="review-h">
      <h2 id="review-h">Your review</h2>
      <p className="muted">
        {card.requiredApprovals > 1
          ? `This model's risk tier needs ${card.requiredApprovals} distinct approvers; ${card.approvals} so far.`
          : 'One approval approves this card.'}
      </p>
      <label>
        Comment (required to request changes)
        <textarea rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={approving.pending}>
          Approve revision {card.currentRevision}
        </button>
        <button
          type="button"
          disabled={requesting.pending || comment.trim() === ''}
          onClick={() => void requestChanges({ input: { modelVersionId: card.modelVersionId, comment } }).then(done)}
        >
          Request changes
        </button>
      </div>
      {approving.error && <ErrorBox error={approving.error} />}
      {requesting.error && <ErrorBox error={requesting.error} />}
    </form>
  );
}

function CardDiff({ card }: { card: Card }) {
  const lastApproved = [...card.reviews].reverse().find((r) => r.action === 'approve' && r.revision < card.currentRevision)?.revision;
  const from = lastApproved ?? 1;
  const state = useQuery(CardDiffDocument, { id: card.modelVersionId, from, to: card.currentRevision }, from === card.currentRevision);
  if (from === card.currentRevision) return <Empty>This is the first revision: everything below is new.</Empty>;
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  if (!state.data) return <Loading what="the changes" />;
  const changes = state.data.modelCard.diff;
  return (
    <>
      <p className="muted">
        From revision {from} {lastApproved ? '(last approved)' : '(first)'} to {card.currentRevision}.
      </p>
      {changes.length === 0 ? (
        <Empty>No field changed.</Empty>
      ) : (
        <table className="diff">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Change</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.path}>
                <td>
                  <code>{c.path}</code>
                </td>
                <td>{c.op}</td>
                <td className="before">{show(c.before)}</td>
                <td className="after">{show(c.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The production gate as it stands now: for a version in production, whether it still meets it. */
function ProductionGate({ card, stage }: { card: Card; stage: string }) {
  const gate = card.productionGate;
  const inProduction = stage === 'PRODUCTION';
  const headline = gate.passes
    ? inProduction
      ? 'In production and meets its production gate'
      : 'Meets the production gate'
    : inProduction
      ? 'In production, but no longer meets its production gate'
      : 'Would not pass the production gate yet';
  return (
    <section className={`panel gate${!gate.passes && inProduction ? ' gate-lapsed' : ''}`} aria-labelledby="gate-h">
      <h2 id="gate-h">
        {headline} <Badge tone={gate.passes ? 'good' : inProduction ? 'bad' : 'warn'}>{gate.passes ? 'gate met' : 'gate not met'}</Badge>
      </h2>
      {gate.failures.length > 0 && (
        <ul>
          {gate.failures.map((f) => (
            <li key={`${f.condition}:${f.message}`}>
              <strong>{human(f.condition)}</strong>: {f.message}
              {f.waivedBy ? (
                <span className="muted">
                  {' '}
                  — waived by {f.waivedBy.name} until {when(f.waivedBy.expiresAt)}
                </span>
              ) : (
                <Badge tone="bad">not waived</Badge>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Overrides of the promotion gate: shown above everything else, an override being what a reviewer must not miss. */
function Exceptions({ card }: { card: Card }) {
  if (card.exceptions.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="exceptions-h">
      <h2 id="exceptions-h">Promotion exceptions</h2>
      <ul className="plain stack">
        {card.exceptions.map((x) => (
          <li key={x.id}>
            <strong>{x.name}</strong>{' '}
            <Badge tone={x.active ? 'warn' : 'neutral'}>{x.active ? `active until ${when(x.expiresAt)}` : `expired ${when(x.expiresAt)}`}</Badge> waives{' '}
            {x.waives.map((w) => human(w)).join(' and ')}, granted {when(x.grantedAt)} by <Person person={x.grantedByPerson} fallback={x.grantedBy} />
            <blockquote>{x.reason}</blockquote>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The card's sections as labelled fields rather than JSON: who reads them is a risk officer, not a parser. */
function Sections({ content }: { content: unknown }) {
  if (!content || typeof content !== 'object') return <Empty>The card has no content.</Empty>;
  return (
    <div className="sections">
      {Object.entries(content as Record<string, unknown>).map(([key, value]) => (
        <details key={key} open={key === 'model_details' || key === 'considerations'}>
          <summary>{human(key)}</summary>
          <CardValue value={value} />
        </details>
      ))}
    </div>
  );
}

function CardValue({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return <span className="card-text">{String(value)}</span>;
  if (typeof value !== 'object') return <span className="muted">—</span>;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    if (items.length === 0) return <span className="muted">none</span>;
    return (
      <ul className="card-list">
        {items.map((item, i) => (
          <li key={i}>
            <CardValue value={item} />
          </li>
        ))}
      </ul>
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="card-fields">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{human(k)}</dt>
          <dd>
            <CardValue value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

const CHART = { width: 640, labelW: 140, plotW: 300, gap: 12, bar: 24, row: 34 };
const LABEL_CHARS = 18;

/**
 * Selection rate per group as bars, with the four-fifths line (80 % of the highest rate). Values sit
 * in their own column right of the bars and the line is explained in the legend, so no label can
 * meet a bar, the line or another label.
 */
function BiasChart({ report }: { report: Bias }) {
  const legendId = useId();
  const groups = report.groups.filter((g) => g.selectionRate.value !== null);
  const rate = (g: (typeof groups)[number]) => g.selectionRate.value ?? 0;
  // The rule compares groups of sufficient size; the scale fits every bar, too-small groups included.
  const max = Math.max(0, ...groups.filter((g) => !g.belowMinimum).map(rate));
  const scaleMax = Math.max(max, ...groups.map(rate), 0.0001);
  const threshold = max * 0.8;
  const { width, labelW, plotW, gap, bar, row } = CHART;
  const height = groups.length * row + gap;
  const x = (v: number) => labelW + (v / scaleMax) * plotW;
  const valueX = labelW + plotW + gap;
  const flaggedGroup = (g: (typeof groups)[number]) => !g.belowMinimum && rate(g) < threshold;
  return (
    <figure className="panel">
      <figcaption>
        <strong>{report.protectedAttribute}</strong>: selection rate per group (revision {report.cardRevision}, {when(report.createdAt)}).{' '}
        {report.fourFifthsRuleViolated ? <Badge tone="bad">four-fifths rule violated</Badge> : <Badge tone="good">four-fifths rule met</Badge>}{' '}
        {!report.withinThresholds && <Badge tone="bad">outside the risk tier's thresholds</Badge>}
        {report.demographicParityRatio.value !== null && <span className="muted"> parity ratio {report.demographicParityRatio.value?.toFixed(2)}</span>}
      </figcaption>
      <ul className="chart-legend" id={legendId}>
        <li>
          <svg width="14" height="14" aria-hidden="true">
            <rect width="14" height="14" className="bar-ok" />
          </svg>
          at least 4/5 of the highest rate
        </li>
        {groups.some(flaggedGroup) && (
          <li>
            <svg width="14" height="14" aria-hidden="true">
              <rect width="14" height="14" className="bar-bad" />
            </svg>
            below 4/5 (⚠)
          </li>
        )}
        {groups.some((g) => g.belowMinimum) && (
          <li>
            <svg width="14" height="14" aria-hidden="true">
              <rect x="1" y="1" width="12" height="12" className="bar-muted" />
            </svg>
            too few records (under {report.minGroupSize}), not compared
          </li>
        )}
        <li>
          <svg width="14" height="14" aria-hidden="true">
            <line x1="7" x2="7" y1="0" y2="14" className="threshold-halo" />
            <line x1="7" x2="7" y1="0" y2="14" className="threshold" />
          </svg>
          4/5 of the highest rate: {(threshold * 100).toFixed(1)}%
        </li>
      </ul>
      <svg
        width={width}
        height={height}
        className="chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Selection rate by ${report.protectedAttribute}`}
        aria-describedby={legendId}
      >
        <line x1={labelW} x2={labelW} y1={0} y2={height} className="chart-axis" />
        {groups.map((g, i) => {
          const v = rate(g);
          const flagged = flaggedGroup(g);
          const y = gap / 2 + i * row + (row - bar) / 2;
          const long = g.group.length > LABEL_CHARS;
          return (
            <g key={g.group}>
              <text x={labelW - 8} y={y + bar / 2 + 5} className="chart-label" textAnchor="end">
                {long && <title>{g.group}</title>}
                {long ? `${g.group.slice(0, LABEL_CHARS - 1)}…` : g.group}
              </text>
              <rect
                x={labelW}
                y={y}
                width={Math.max(1, x(v) - labelW)}
                height={bar}
                className={g.belowMinimum ? 'bar-muted' : flagged ? 'bar-bad' : 'bar-ok'}
              />
              <text x={valueX} y={y + bar / 2 + 5} className="chart-value">
                {(v * 100).toFixed(1)}% n={g.count}
                {flagged ? ' ⚠ < 4/5' : ''}
                {g.belowMinimum ? ' (too few)' : ''}
              </text>
            </g>
          );
        })}
        {max > 0 && (
          <g aria-hidden="true">
            <line x1={x(threshold)} x2={x(threshold)} y1={0} y2={height} className="threshold-halo" />
            <line x1={x(threshold)} x2={x(threshold)} y1={0} y2={height} className="threshold" />
          </g>
        )}
      </svg>
      {report.violations.length > 0 && (
        <ul>
          {report.violations.map((v) => (
            <li key={v}>{v}</li>
          ))}
        </ul>
      )}
    </figure>
  );
}
