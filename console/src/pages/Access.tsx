import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../api';
import { graphql } from '../gql';
import type { AccessGrantsQuery } from '../gql/graphql';
import { setQuery, useLocation } from '../router';
import { Badge, Empty, ErrorBox, PageTitle, Pager, QueryView, human, personLabel, useCursorPages, when } from '../ui';
import { DeniedAttempts } from './DeniedAttempts';

const AccessGrantsDocument = graphql(`
  query AccessGrants($first: Int!, $after: String, $principal: String, $activeOnly: Boolean!) {
    accessGrants(first: $first, after: $after, principal: $principal, activeOnly: $activeOnly) {
      nodes {
        id
        action
        active
        grantedAt
        expiresAt
        grantedBy
        endedAt
        endReason
        endNote
        person {
          id
          name
          email
        }
        dataset {
          namespace
          name
          sensitivity
          domain
          models {
            id
            modelName
            version
          }
        }
        request {
          id
          purpose
          ruleId
          decidedAutomatically
          approvals {
            decision
            authority
            approver {
              id
              name
              email
            }
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const RevokeDocument = graphql(`
  mutation RevokeAccessGrant($input: RevokeAccessGrantInput!) {
    revokeAccessGrant(input: $input) {
      id
      active
      endedAt
    }
  }
`);

type Grant = AccessGrantsQuery['accessGrants']['nodes'][number];
const SOON_MS = 7 * 24 * 3600 * 1000;

/** The CISO's view: person → grant → request and approvals → dataset, with revocation. */
export function AccessPage() {
  const { query } = useLocation();
  const principal = query.get('principal') ?? '';
  const activeOnly = query.get('all') !== '1';
  const [draft, setDraft] = useState(principal);
  const pages = useCursorPages(`${principal}|${activeOnly}`);
  const state = useQuery(AccessGrantsDocument, { first: 25, after: pages.after, principal: principal || undefined, activeOnly });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ principal: draft });
  };
  return (
    <section>
      <PageTitle sub="Who can reach which dataset, why, and which models are built on it. Grants ending within 7 days are marked.">Access & grants</PageTitle>
      <form className="filters" onSubmit={submit} role="search" aria-label="Filter grants">
        <label>
          Person (id or e-mail)
          <input value={draft} onChange={(e) => setDraft(e.target.value)} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={!activeOnly} onChange={(e) => setQuery({ all: e.target.checked ? '1' : undefined })} /> include ended grants
        </label>
        <div className="actions">
          <button type="submit" className="primary">
            Show
          </button>
        </div>
      </form>
      <QueryView state={state} what="grants">
        {({ accessGrants: page }) =>
          page.nodes.length === 0 ? (
            <Empty>{principal ? `No ${activeOnly ? 'active ' : ''}grant for ${principal}.` : 'No active grant.'}</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col">Dataset</th>
                    <th scope="col">Why</th>
                    <th scope="col">Models on the dataset</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  {page.nodes.map((g) => (
                    <GrantRow key={g.id} grant={g} onRevoked={state.reload} />
                  ))}
                </tbody>
              </table>
              <Pager page={pages.page} hasNext={page.pageInfo.hasNextPage} onNext={() => pages.next(page.pageInfo.endCursor)} onPrevious={pages.previous} />
            </>
          )
        }
      </QueryView>
      <DeniedAttempts />
    </section>
  );
}

function GrantRow({ grant: g, onRevoked }: { grant: Grant; onRevoked: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [revoke, { pending, error }] = useMutation(RevokeDocument);
  const soon = g.active && new Date(g.expiresAt).getTime() - Date.now() < SOON_MS;
  const approvers = g.request.approvals.filter((a) => a.decision === 'approve').map((a) => `${personLabel(a.approver)} (${a.authority})`);
  return (
    <tr>
      <td>
        <button type="button" className="link" title={g.person.email ?? undefined} onClick={() => setQuery({ principal: g.person.email ?? g.person.id })}>
          {personLabel(g.person)}
        </button>
      </td>
      <td>
        {g.dataset.name} <Badge>{g.dataset.sensitivity}</Badge>
        <div className="muted small">
          {human(g.action)} · {g.dataset.domain}
        </div>
      </td>
      <td>
        {g.request.purpose}:{' '}
        {g.request.decidedAutomatically ? `rule ${g.request.ruleId ?? '?'}` : approvers.length ? `approved by ${approvers.join(', ')}` : g.grantedBy}
      </td>
      <td>
        {g.dataset.models.length === 0 ? (
          <span className="muted">none visible to you</span>
        ) : (
          <ul className="plain nowrap">
            {g.dataset.models.map((m) => (
              <li key={m.id}>
                {m.modelName} {m.version}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        {g.active ? when(g.expiresAt) : `ended ${when(g.endedAt)} (${g.endReason ? human(g.endReason) : 'ended'})`}{' '}
        {soon && <Badge tone="warn">expires soon</Badge>}
      </td>
      <td>
        {g.active &&
          (open ? (
            <form
              className="stack"
              onSubmit={(e) => {
                e.preventDefault();
                void revoke({ input: { grantId: g.id, reason } }).then((ok) => ok && onRevoked());
              }}
            >
              <label>
                Reason
                <input value={reason} onChange={(e) => setReason(e.target.value)} required autoFocus />
              </label>
              <button type="submit" className="danger" disabled={pending}>
                Confirm revoke
              </button>
              {error && <ErrorBox error={error} />}
            </form>
          ) : (
            <button type="button" className="danger" onClick={() => setOpen(true)}>
              Revoke
            </button>
          ))}
      </td>
    </tr>
  );
}
