import { useQuery } from '../api';
import { graphql } from '../gql';
import type { AccessRequestStatus } from '../gql/graphql';
import { Link, setQuery, useLocation } from '../router';
import { Badge, Empty, PageTitle, Pager, QueryView, human, statusTone, useCursorPages, when } from '../ui';

const MyRequestsDocument = graphql(`
  query MyAccessRequests($first: Int!, $after: String, $status: AccessRequestStatus) {
    myAccessRequests(first: $first, after: $after, status: $status) {
      nodes {
        id
        createdAt
        decidedAt
        status
        stage
        reason
        purpose
        action
        durationDays
        requiredApprovals
        approvals {
          decision
        }
        dataset {
          namespace
          name
          sensitivity
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const STATUSES: AccessRequestStatus[] = ['ESCALATED', 'APPROVED', 'DENIED'];

export function MyRequestsPage() {
  const { query } = useLocation();
  const raw = query.get('status');
  const status = STATUSES.find((s) => s === raw);
  const pages = useCursorPages(status ?? '');
  const state = useQuery(MyRequestsDocument, { first: 25, after: pages.after, status });
  return (
    <section>
      <PageTitle sub="Your dataset access requests, newest first.">My access requests</PageTitle>
      <div className="filters" role="group" aria-label="Filter by status">
        <label>
          Status
          <select value={status ?? ''} onChange={(e) => setQuery({ status: e.target.value })}>
            <option value="">All</option>
            <option value="ESCALATED">Pending (escalated)</option>
            <option value="APPROVED">Approved</option>
            <option value="DENIED">Denied</option>
          </select>
        </label>
      </div>
      <QueryView state={state} what="your requests">
        {({ myAccessRequests: page }) =>
          page.nodes.length === 0 ? (
            <Empty>
              <p>{status ? `You have no ${human(status)} requests.` : 'You have not asked for access to any dataset yet.'}</p>
              <p>
                Find a dataset in <Link to="/datasets">Datasets</Link> and request access from its page.
              </p>
            </Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Dataset</th>
                    <th scope="col">Asked</th>
                    <th scope="col">Purpose</th>
                    <th scope="col">Status</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {page.nodes.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/datasets/${encodeURIComponent(r.dataset.namespace)}/${encodeURIComponent(r.dataset.name)}`}>{r.dataset.name}</Link>
                        <div className="muted small">
                          {human(r.action)}, {r.durationDays} days
                        </div>
                      </td>
                      <td>{when(r.createdAt)}</td>
                      <td>{r.purpose}</td>
                      <td>
                        <Badge tone={statusTone(r.status)}>{r.status === 'ESCALATED' ? 'pending' : human(r.status)}</Badge>
                        {r.status === 'ESCALATED' && (
                          <div className="muted small">
                            with {r.stage ? human(r.stage) : 'reviewers'}, {r.approvals.filter((a) => a.decision === 'approve').length}/{r.requiredApprovals}{' '}
                            approvals
                          </div>
                        )}
                      </td>
                      <td>{r.reason ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager page={pages.page} hasNext={page.pageInfo.hasNextPage} onNext={() => pages.next(page.pageInfo.endCursor)} onPrevious={pages.previous} />
            </>
          )
        }
      </QueryView>
    </section>
  );
}
