import { useState, type FormEvent } from 'react';
import { useQuery } from '../api';
import { graphql } from '../gql';
import { setQuery, useLocation } from '../router';
import { Badge, Empty, ErrorBox, Loading, PageTitle, Pager, Person, QueryView, useCursorPages, when } from '../ui';

const AuditEventsDocument = graphql(`
  query AuditEvents($first: Int!, $after: String, $action: String, $actorId: String, $decision: String, $target: String, $from: DateTime, $to: DateTime) {
    auditEvents(first: $first, after: $after, action: $action, actorId: $actorId, decision: $decision, target: $target, from: $from, to: $to) {
      nodes {
        seq
        occurredAt
        action
        actorId
        actorLabel
        actorPerson {
          id
          name
          email
        }
        decision
        target
        reason
        requestId
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const VerifyChainDocument = graphql(`
  query VerifyAuditChain {
    verifyAuditChain {
      valid
      checkedCount
      firstBrokenSeq
      problem
    }
  }
`);

const FILTERS = ['action', 'actorId', 'decision', 'target', 'from', 'to'] as const;

export function AuditPage() {
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const [draft, setDraft] = useState(filters);
  const pages = useCursorPages(JSON.stringify(filters));
  const iso = (d: string) => (d ? new Date(d).toISOString() : undefined);
  const state = useQuery(AuditEventsDocument, {
    first: 50,
    after: pages.after,
    action: filters.action || undefined,
    actorId: filters.actorId || undefined,
    decision: filters.decision || undefined,
    target: filters.target || undefined,
    from: iso(filters.from),
    to: iso(filters.to),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery(draft);
  };
  return (
    <section>
      <PageTitle sub="Every governance decision and change, newest first.">Audit log</PageTitle>
      <ChainStatus />
      <form className="filters" onSubmit={submit} role="search" aria-label="Filter the audit log">
        <label>
          Action
          <input value={draft.action} placeholder="e.g. access.grant.revoke" onChange={(e) => setDraft({ ...draft, action: e.target.value })} />
        </label>
        <label>
          Actor id
          <input value={draft.actorId} onChange={(e) => setDraft({ ...draft, actorId: e.target.value })} />
        </label>
        <label>
          Decision
          <select value={draft.decision} onChange={(e) => setDraft({ ...draft, decision: e.target.value })}>
            <option value="">Any</option>
            <option value="allow">allow</option>
            <option value="deny">deny</option>
            <option value="error">error</option>
          </select>
        </label>
        <label>
          Target
          <input value={draft.target} onChange={(e) => setDraft({ ...draft, target: e.target.value })} />
        </label>
        <label>
          From
          <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label>
          To (exclusive)
          <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <div className="actions">
          <button type="submit" className="primary">
            Filter
          </button>
        </div>
      </form>
      <QueryView state={state} what="audit events">
        {({ auditEvents: page }) =>
          page.nodes.length === 0 ? (
            <Empty>No audit event matches these filters.</Empty>
          ) : (
            <>
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Action</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Decision</th>
                    <th scope="col">Target</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {page.nodes.map((e) => (
                    <tr key={e.seq}>
                      <td>{e.seq}</td>
                      <td>{when(e.occurredAt)}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>
                        <Person person={e.actorPerson} fallback={e.actorLabel ?? e.actorId ?? 'anonymous'} />
                      </td>
                      <td>
                        <Badge tone={e.decision === 'allow' ? 'good' : e.decision === 'deny' ? 'bad' : 'warn'}>{e.decision}</Badge>
                      </td>
                      <td className="wrap">{e.target ?? '—'}</td>
                      <td className="wrap">{e.reason ?? ''}</td>
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

function ChainStatus() {
  const state = useQuery(VerifyChainDocument, {});
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  if (!state.data) return <Loading what="the chain verification" />;
  const v = state.data.verifyAuditChain;
  return (
    <p className="panel" role="status">
      Hash chain:{' '}
      {v.valid ? (
        <Badge tone="good">verified</Badge>
      ) : (
        <Badge tone="bad">
          broken at #{v.firstBrokenSeq}: {v.problem}
        </Badge>
      )}{' '}
      <span className="muted">{v.checkedCount} events checked</span>{' '}
      <button type="button" onClick={state.reload}>
        Verify again
      </button>
    </p>
  );
}
