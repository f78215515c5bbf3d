import { useQuery } from '../api';
import { graphql } from '../gql';
import type { ModelCardStatus, ModelStage, RiskTier } from '../gql/graphql';
import { Link, setQuery, useLocation } from '../router';
import { Sparkline } from '../sparkline';
import { Badge, Empty, PageTitle, Pager, QueryView, human, statusTone, useCursorPages, when } from '../ui';

export const ModelsDocument = graphql(`
  query Models(
    $first: Int!
    $after: String
    $volumeDays: Int! = 14
    $withVolume: Boolean! = false
    $domain: String
    $riskTier: RiskTier
    $stage: ModelStage
    $reviewStatus: ModelCardStatus
  ) {
    models(first: $first, after: $after, domain: $domain, riskTier: $riskTier, stage: $stage, reviewStatus: $reviewStatus) {
      nodes {
        id
        name
        domain
        owner
        riskTier
        predictionVolume(days: $volumeDays) @include(if: $withVolume) {
          day
          count
        }
        versions {
          id
          version
          stage
          cardStatus
          cardRevision
          createdAt
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const VolumeAlertsDocument = graphql(`
  query PredictionVolumeAlerts {
    predictionVolumeAlerts {
      modelName
      lastHourCount
      threshold
      since
    }
  }
`);

/** Models whose prediction volume dropped below their hourly minimum. */
function VolumeAlerts() {
  const state = useQuery(VolumeAlertsDocument, {});
  return (
    <section className="panel" aria-labelledby="alerts-h">
      <h2 id="alerts-h">Prediction volume alerts</h2>
      <QueryView state={state} what="volume alerts">
        {({ predictionVolumeAlerts: alerts }) =>
          alerts.length === 0 ? (
            <p className="muted">No model has gone quiet: every model with a minimum hourly volume is above it.</p>
          ) : (
            <ul>
              {alerts.map((a) => (
                <li key={a.modelName}>
                  <Badge tone="bad">volume drop</Badge> <strong>{a.modelName}</strong>: {a.lastHourCount} predictions in the last hour, minimum {a.threshold}
                  {a.since && <span className="muted"> (since {when(a.since)})</span>}
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </section>
  );
}

// The sparklines' window: two weeks show weekly patterns without crowding 100 px. Other users of
// ModelsDocument (the review inbox) leave withVolume false and do not pay for the counts.
const VOLUME_DAYS = 14;

const TIERS: RiskTier[] = ['UNACCEPTABLE', 'HIGH', 'LIMITED', 'MINIMAL'];
const STAGES: ModelStage[] = ['DEVELOPMENT', 'STAGING', 'PRODUCTION', 'RETIRED'];
const REVIEW: ModelCardStatus[] = ['DRAFT', 'IN_REVIEW', 'CHANGES_REQUESTED', 'APPROVED'];

function pick<T extends string>(values: readonly T[], raw: string | null): T | undefined {
  return values.find((v) => v === raw);
}

export function ModelsPage() {
  const { query } = useLocation();
  const domain = query.get('domain') ?? '';
  const riskTier = pick(TIERS, query.get('riskTier'));
  const stage = pick(STAGES, query.get('stage'));
  const reviewStatus = pick(REVIEW, query.get('reviewStatus'));
  const pages = useCursorPages(JSON.stringify([domain, riskTier, stage, reviewStatus]));
  const state = useQuery(ModelsDocument, {
    first: 25,
    after: pages.after,
    volumeDays: VOLUME_DAYS,
    withVolume: true,
    domain: domain || undefined,
    riskTier,
    stage,
    reviewStatus,
  });
  return (
    <section>
      <PageTitle sub="Models you may read, by name. Filters run on the server.">Models</PageTitle>
      <VolumeAlerts />
      <div className="filters" role="group" aria-label="Filter models">
        <label>
          Domain
          <input
            defaultValue={domain}
            onKeyDown={(e) => e.key === 'Enter' && setQuery({ domain: e.currentTarget.value })}
            onBlur={(e) => setQuery({ domain: e.currentTarget.value })}
          />
        </label>
        <Select label="Risk tier" name="riskTier" value={riskTier} values={TIERS} />
        <Select label="Stage" name="stage" value={stage} values={STAGES} />
        <Select label="Card review" name="reviewStatus" value={reviewStatus} values={REVIEW} />
      </div>
      <QueryView state={state} what="models">
        {({ models }) =>
          models.nodes.length === 0 ? (
            <Empty>No model matches these filters. Models appear once registered (registerModelVersion) in a domain you may read.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Domain</th>
                    <th scope="col">Risk tier</th>
                    <th scope="col">Predictions per day ({VOLUME_DAYS} days)</th>
                    <th scope="col">Versions (stage, card)</th>
                  </tr>
                </thead>
                <tbody>
                  {models.nodes.map((m) => (
                    <tr key={m.id}>
                      <th scope="row">{m.name}</th>
                      <td>{m.domain}</td>
                      <td>
                        <Badge tone={m.riskTier === 'HIGH' || m.riskTier === 'UNACCEPTABLE' ? 'bad' : 'neutral'}>{human(m.riskTier)}</Badge>
                      </td>
                      <td>
                        {m.predictionVolume ? (
                          <Sparkline days={m.predictionVolume} />
                        ) : (
                          <span className="muted" title="Needs the predictions read permission in this model's domain">
                            —<span className="sr-only">prediction volume not visible to you</span>
                          </span>
                        )}
                      </td>
                      <td>
                        <ul className="plain">
                          {m.versions.map((v) => (
                            <li key={v.id}>
                              <Link to={`/cards/${v.id}`}>{v.version}</Link> <Badge>{human(v.stage)}</Badge>{' '}
                              <Badge tone={statusTone(v.cardStatus)}>card {human(v.cardStatus)}</Badge>
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager page={pages.page} hasNext={models.pageInfo.hasNextPage} onNext={() => pages.next(models.pageInfo.endCursor)} onPrevious={pages.previous} />
            </>
          )
        }
      </QueryView>
    </section>
  );
}

function Select<T extends string>({ label, name, value, values }: { label: string; name: string; value: T | undefined; values: readonly T[] }) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => setQuery({ [name]: e.target.value })}>
        <option value="">Any</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {human(v)}
          </option>
        ))}
      </select>
    </label>
  );
}
