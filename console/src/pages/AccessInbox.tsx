import { useState } from 'react';
import { useMutation, useQuery } from '../api';
import { graphql } from '../gql';
import type { AccessInboxQuery } from '../gql/graphql';
import { Badge, Empty, ErrorBox, PageTitle, Pager, QueryView, human, personLabel, statusTone, useCursorPages, when } from '../ui';

const AccessInboxDocument = graphql(`
  query AccessInbox($first: Int!, $after: String) {
    accessRequests(first: $first, after: $after, status: ESCALATED, awaitingMe: true) {
      nodes {
        id
        createdAt
        escalatedAt
        stage
        status
        purpose
        action
        durationDays
        justification
        reason
        ruleId
        requiredApprovals
        facts
        fields
        requester {
          id
          name
          email
        }
        approvals {
          decision
          durationDays
          approver {
            id
            name
            email
          }
        }
        dataset {
          namespace
          name
          sensitivity
          domain
          tags
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const ApproveAccessDocument = graphql(`
  mutation ApproveAccessRequest($input: ApproveAccessRequestInput!) {
    approveAccessRequest(input: $input) {
      request {
        id
        status
      }
      grant {
        id
        expiresAt
      }
    }
  }
`);

const DenyAccessDocument = graphql(`
  mutation DenyAccessRequest($input: DenyAccessRequestInput!) {
    denyAccessRequest(input: $input) {
      id
      status
    }
  }
`);

type Request = AccessInboxQuery['accessRequests']['nodes'][number];

export function AccessInboxPage() {
  const pages = useCursorPages('');
  const state = useQuery(AccessInboxDocument, { first: 20, after: pages.after });
  return (
    <section>
      <PageTitle sub="Requests the access rules escalated to you, with the facts they used.">Access inbox</PageTitle>
      <QueryView state={state} what="escalated requests">
        {({ accessRequests: page }) =>
          page.nodes.length === 0 ? (
            <Empty>No request is waiting for you. Requests the rules cannot decide on your datasets appear here.</Empty>
          ) : (
            <>
              <ul className="plain stack">
                {page.nodes.map((r) => (
                  <RequestCard key={r.id} request={r} onDone={state.reload} />
                ))}
              </ul>
              <Pager page={pages.page} hasNext={page.pageInfo.hasNextPage} onNext={() => pages.next(page.pageInfo.endCursor)} onPrevious={pages.previous} />
            </>
          )
        }
      </QueryView>
    </section>
  );
}

function RequestCard({ request: r, onDone }: { request: Request; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [days, setDays] = useState(String(r.durationDays));
  const granted = Number(days);
  const daysValid = Number.isInteger(granted) && granted >= 1 && granted <= r.durationDays;
  const [approve, approving] = useMutation(ApproveAccessDocument);
  const [deny, denying] = useMutation(DenyAccessDocument);
  const approvals = r.approvals.filter((a) => a.decision === 'approve');
  return (
    <li className="panel" aria-labelledby={`req-${r.id}`}>
      <h2 id={`req-${r.id}`}>
        {personLabel(r.requester)} asks to {human(r.action)} {r.dataset.name}
      </h2>
      <dl className="facts">
        <div>
          <dt>Purpose</dt>
          <dd>{r.purpose}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{r.durationDays} days</dd>
        </div>
        <div>
          <dt>Sensitivity</dt>
          <dd>
            <Badge tone={statusTone(r.dataset.sensitivity.toUpperCase())}>{r.dataset.sensitivity}</Badge>
          </dd>
        </div>
        <div>
          <dt>Asked</dt>
          <dd>{when(r.createdAt)}</dd>
        </div>
        <div>
          <dt>Stage</dt>
          <dd>{r.stage ? human(r.stage) : '—'}</dd>
        </div>
        <div>
          <dt>Approvals</dt>
          <dd>
            {approvals.length}/{r.requiredApprovals}
            {approvals.length > 0 &&
              ` (${approvals.map((a) => `${personLabel(a.approver)}${a.durationDays ? ` for ${a.durationDays} days` : ''}`).join(', ')})`}
          </dd>
        </div>
      </dl>
      <p>
        <strong>Why escalated:</strong> {r.reason ?? 'no rule decided it'} {r.ruleId && <span className="muted">(rule {r.ruleId})</span>}
      </p>
      {r.justification && (
        <p>
          <strong>Justification:</strong> {r.justification}
        </p>
      )}
      <details>
        <summary>Facts the rules used</summary>
        <pre>{JSON.stringify(r.facts, null, 2)}</pre>
      </details>
      <label>
        Note or reason (a reason is required to deny; the requester sees it)
        <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <label>
        Grant for (days, at most the {r.durationDays} asked)
        <input
          className="days"
          type="number"
          min={1}
          max={r.durationDays}
          value={days}
          aria-invalid={!daysValid}
          aria-describedby={daysValid ? undefined : `days-${r.id}`}
          onChange={(e) => setDays(e.target.value)}
        />
      </label>
      {!daysValid && (
        <p id={`days-${r.id}`} className="field-error">
          Enter a whole number of days from 1 to {r.durationDays}.
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={approving.pending || !daysValid}
          onClick={() =>
            void approve({ input: { requestId: r.id, note: note || undefined, durationDays: granted < r.durationDays ? granted : undefined } }).then(
              (ok) => ok && onDone(),
            )
          }
        >
          {daysValid && granted < r.durationDays ? `Approve for ${granted} days` : 'Approve'}
        </button>
        <button
          type="button"
          className="danger"
          disabled={denying.pending || note.trim() === ''}
          onClick={() => void deny({ input: { requestId: r.id, reason: note } }).then((ok) => ok && onDone())}
        >
          Deny
        </button>
      </div>
      {approving.error && <ErrorBox error={approving.error} />}
      {denying.error && <ErrorBox error={denying.error} />}
    </li>
  );
}
