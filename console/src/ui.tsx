import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

const HEADLINES: Record<string, string> = {
  FORBIDDEN: 'You do not have access to this.',
  NOT_FOUND: 'Not found, or not visible to you.',
  BAD_USER_INPUT: 'Please check the form.',
  CONFLICT: 'This could not be done now.',
};

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div className="state error" role="alert">
      <p>
        <strong>{HEADLINES[api?.code ?? ''] ?? 'Something went wrong.'}</strong> {error.message}
      </p>
      {api?.field && <p>Field: {api.field}</p>}
      {api?.requestId && (
        <p className="request-id">
          Request id: <code>{api.requestId}</code> (quote it when asking for help)
        </p>
      )}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** Wraps a query's three states around its content. */
export function QueryView<R>({
  state,
  what,
  children,
}: {
  state: { data?: R; error?: Error; loading: boolean; reload: () => void };
  what: string;
  children: (data: R) => ReactNode;
}) {
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading what={what} />;
  return (
    <div aria-busy={state.loading} className={state.loading ? 'refreshing' : undefined}>
      {children(state.data)}
    </div>
  );
}

/**
 * Cursor pagination as the API offers it: a stack of the cursors seen, so Previous goes back.
 * Resets to the first page when `resetKey` (the filters) changes.
 */
export function useCursorPages(resetKey: string): {
  after: string | undefined;
  page: number;
  next: (cursor: string | null | undefined) => void;
  previous: () => void;
} {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  useEffect(() => setStack([undefined]), [resetKey]);
  return {
    after: stack[stack.length - 1],
    page: stack.length,
    next: (cursor) => cursor && setStack((s) => [...s, cursor]),
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
  };
}

export function Pager({ page, hasNext, onNext, onPrevious }: { page: number; hasNext: boolean; onNext: () => void; onPrevious: () => void }) {
  if (page === 1 && !hasNext) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={onPrevious} disabled={page === 1}>
        ← Previous
      </button>
      <span>Page {page}</span>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        Next →
      </button>
    </nav>
  );
}

export function PageTitle({ children, sub }: { children: ReactNode; sub?: ReactNode }) {
  useEffect(() => {
    if (typeof children === 'string') document.title = `${children} · Charter`;
  }, [children]);
  return (
    <header className="page-title">
      <h1 tabIndex={-1}>{children}</h1>
      {sub && <p className="sub">{sub}</p>}
    </header>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

export function statusTone(status: string): 'good' | 'warn' | 'bad' | 'info' | 'neutral' {
  switch (status) {
    case 'APPROVED':
    case 'PRODUCTION':
    case 'PUBLIC':
      return 'good';
    case 'ESCALATED':
    case 'IN_REVIEW':
    case 'CONFIDENTIAL':
    case 'CHANGES_REQUESTED':
      return 'warn';
    case 'DENIED':
    case 'RESTRICTED':
    case 'REJECTED':
      return 'bad';
    default:
      return 'neutral';
  }
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function human(enumValue: string): string {
  return enumValue.replace(/_/g, ' ').toLowerCase();
}

type PersonLike = { id: string; name?: string | null; email?: string | null };

/** How the console names people: display name, else e-mail, else principal id. */
export function personLabel(p: PersonLike): string {
  return p.name ?? p.email ?? p.id;
}

/** A person by name with the e-mail as tooltip; `fallback` (the raw id or label) when the API knows no person for it, e.g. an API key. */
export function Person({ person, fallback }: { person: PersonLike | null | undefined; fallback: string }) {
  if (!person) return <>{fallback}</>;
  return <span title={person.email ?? undefined}>{personLabel(person)}</span>;
}
