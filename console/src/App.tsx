import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { gql, setSignInHandler } from './api';
import { CALLBACK_PATH, beginSignIn, completeSignIn, currentToken, signOut, wasSignedOut } from './auth';
import { AccessPage } from './pages/Access';
import { AccessInboxPage } from './pages/AccessInbox';
import { AuditPage } from './pages/Audit';
import { DatasetPage } from './pages/Dataset';
import { DatasetsPage } from './pages/Datasets';
import { HomePage } from './pages/Home';
import { LineagePage } from './pages/Lineage';
import { ModelCardPage } from './pages/ModelCard';
import { ModelsPage } from './pages/Models';
import { MyRequestsPage } from './pages/MyRequests';
import { ReportsPage } from './pages/Reports';
import { ReviewsPage } from './pages/Reviews';
import { MeDocument } from './queries';
import { Link, navigate, useLocation } from './router';
import { SessionContext, areasOf, type Area, type Me } from './session';
import { ErrorBox, Loading } from './ui';

type Phase = { kind: 'starting' } | { kind: 'signedOut' } | { kind: 'error'; error: Error } | { kind: 'ready'; me: Me };

function returnPath(): string {
  return `${window.location.pathname}${window.location.search}`;
}

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  useEffect(() => {
    setSignInHandler(() => void beginSignIn(returnPath()));
    void (async () => {
      try {
        if (window.location.pathname === CALLBACK_PATH) {
          const to = await completeSignIn(window.location.search);
          navigate(to, true);
        } else if (!currentToken()) {
          if (wasSignedOut()) return setPhase({ kind: 'signedOut' });
          return await beginSignIn(returnPath());
        }
        const { me } = await gql(MeDocument, {});
        setPhase({ kind: 'ready', me });
      } catch (error) {
        setPhase({ kind: 'error', error: error as Error });
      }
    })();
  }, []);

  switch (phase.kind) {
    case 'starting':
      return (
        <main className="center">
          <Loading what="your session" />
        </main>
      );
    case 'signedOut':
      return (
        <main className="center card">
          <h1>Charter</h1>
          <p>You are signed out.</p>
          <button type="button" className="primary" onClick={() => void beginSignIn('/')}>
            Sign in
          </button>
        </main>
      );
    case 'error':
      return (
        <main className="center card">
          <h1>Charter</h1>
          <ErrorBox error={phase.error} />
          <button type="button" className="primary" onClick={() => void beginSignIn('/')}>
            Sign in again
          </button>
        </main>
      );
    case 'ready':
      return (
        <SessionContext.Provider value={phase.me}>
          <Shell me={phase.me} />
        </SessionContext.Provider>
      );
  }
}

const NAV: { area: Area; to: string; label: string }[] = [
  { area: 'datasets', to: '/datasets', label: 'Datasets' },
  { area: 'myRequests', to: '/my-requests', label: 'My requests' },
  { area: 'accessInbox', to: '/access-inbox', label: 'Access inbox' },
  { area: 'models', to: '/models', label: 'Models' },
  { area: 'lineage', to: '/lineage', label: 'Lineage' },
  { area: 'reviews', to: '/reviews', label: 'Card reviews' },
  { area: 'access', to: '/access', label: 'Access & grants' },
  { area: 'audit', to: '/audit', label: 'Audit log' },
  { area: 'reports', to: '/reports', label: 'Compliance packs' },
];

function route(path: string): { area?: Area; page: ReactNode } {
  let m: RegExpMatchArray | null;
  if (path === '/' || path === '') return { page: <HomePage /> };
  if (path === '/datasets') return { area: 'datasets', page: <DatasetsPage /> };
  if ((m = path.match(/^\/datasets\/([^/]+)\/([^/]+)$/))) {
    const [, ns = '', name = ''] = m;
    return { area: 'datasets', page: <DatasetPage namespace={decodeURIComponent(ns)} name={decodeURIComponent(name)} /> };
  }
  if (path === '/my-requests') return { area: 'myRequests', page: <MyRequestsPage /> };
  if (path === '/access-inbox') return { area: 'accessInbox', page: <AccessInboxPage /> };
  if (path === '/models') return { area: 'models', page: <ModelsPage /> };
  if (path === '/lineage') return { area: 'lineage', page: <LineagePage /> };
  if (path === '/reviews') return { area: 'reviews', page: <ReviewsPage /> };
  if ((m = path.match(/^\/cards\/([^/]+)$/))) return { area: 'models', page: <ModelCardPage id={decodeURIComponent(m[1] ?? '')} /> };
  if (path === '/access') return { area: 'access', page: <AccessPage /> };
  if (path === '/audit') return { area: 'audit', page: <AuditPage /> };
  if (path === '/reports') return { area: 'reports', page: <ReportsPage /> };
  return { page: <NotFound /> };
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. <Link to="/">Go to the start page</Link>.
      </p>
    </section>
  );
}

function NotYours() {
  return (
    <section className="state error" role="alert">
      <h1>Not available to you</h1>
      <p>Your roles do not include this area. If you need it, ask your Charter administrator for the matching role.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </section>
  );
}

function Shell({ me }: { me: Me }) {
  const { path } = useLocation();
  const areas = useMemo(() => areasOf(me.roles), [me.roles]);
  const { area, page } = route(path);
  const mainRef = useRef<HTMLElement>(null);
  // Moves focus to the new page's heading so keyboard and screen-reader users land on it.
  useEffect(() => {
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Charter
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => areas.has(n.area)).map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={path === n.to || path.startsWith(`${n.to}/`) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span title={me.email ?? undefined}>
            {me.name ?? me.email ?? me.id} <span className="roles">({me.roles.join(', ') || 'no roles'})</span>
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={mainRef}>
        {area && !areas.has(area) ? <NotYours /> : page}
      </main>
    </div>
  );
}
