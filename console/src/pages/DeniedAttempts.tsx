import { useQuery } from '../api';
import { graphql } from '../gql';
import { Link } from '../router';
import { Empty, QueryView, when } from '../ui';

const DeniedAttemptsDocument = graphql(`
  query DeniedAttempts($first: Int!) {
    auditEvents(first: $first, decision: "deny") {
      nodes {
        seq
        occurredAt
        action
        actorId
        actorLabel
        target
        reason
        details
      }
    }
  }
`);

/** The newest refusals (access rules, the decision API, the policy engine), from the audit log. */
export function DeniedAttempts() {
  const state = useQuery(DeniedAttemptsDocument, { first: 10 });
  return (
    <section className="panel" aria-labelledby="denied-attempts">
      <h2 id="denied-attempts">Recent denied attempts</h2>
      <QueryView state={state} what="denied attempts">
        {({ auditEvents }) =>
          auditEvents.nodes.length === 0 ? (
            <Empty>Nobody has been refused anything yet.</Empty>
          ) : (
            <table className="compact">
              <caption className="sr-only">The ten newest denied attempts</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Target</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {auditEvents.nodes.map((e) => (
                  <tr key={e.seq}>
                    <td>{when(e.occurredAt)}</td>
                    <td>
                      <Who caller={e.actorLabel ?? e.actorId ?? 'anonymous'} details={e.details} />
                    </td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td className="wrap">{e.target ?? '—'}</td>
                    <td className="wrap">{e.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
      <p>
        <Link to="/audit?decision=deny">Every denial in the audit log</Link>
      </p>
    </section>
  );
}

/** The decision API's caller is a platform asking about someone else: show that person, then the platform. */
function Who({ caller, details }: { caller: string; details: unknown }) {
  const subject = details && typeof details === 'object' && 'subject' in details && typeof details.subject === 'string' ? details.subject : null;
  if (!subject) return <>{caller}</>;
  return (
    <>
      {subject} <span className="muted small">asked by {caller}</span>
    </>
  );
}
