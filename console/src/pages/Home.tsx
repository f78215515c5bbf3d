import { Link } from '../router';
import { areasOf, useMe, type Area } from '../session';
import { PageTitle } from '../ui';

const CARDS: { area: Area; to: string; title: string; text: string }[] = [
  {
    area: 'datasets',
    to: '/datasets',
    title: 'Find data',
    text: 'Search datasets by name, tag, owner or domain; see their schema, personal data and sensitivity; ask for access.',
  },
  { area: 'myRequests', to: '/my-requests', title: 'My access requests', text: 'Follow your requests: decided at once by the rules, or waiting for an owner.' },
  {
    area: 'accessInbox',
    to: '/access-inbox',
    title: 'Access inbox',
    text: 'Requests escalated to you, with the facts the rules used. Approve or deny with a reason.',
  },
  { area: 'models', to: '/models', title: 'Models', text: 'The model inventory by domain, risk tier, stage and review status.' },
  {
    area: 'reviews',
    to: '/reviews',
    title: 'Model card reviews',
    text: 'Cards waiting for your review: sections, changes since the last approval, bias and history.',
  },
  { area: 'access', to: '/access', title: 'Access & grants', text: 'Who can reach which dataset and why, grants expiring soon, and revocation.' },
  { area: 'audit', to: '/audit', title: 'Audit log', text: 'The governance audit log with filters, and its hash-chain verification.' },
  {
    area: 'reports',
    to: '/reports',
    title: 'Compliance packs',
    text: 'Generate signed evidence packs for a period, download them, and verify a pack you were given.',
  },
];

export function HomePage() {
  const me = useMe();
  const areas = areasOf(me.roles);
  const cards = CARDS.filter((c) => areas.has(c.area));
  return (
    <section>
      <PageTitle sub={`Signed in as ${me.email ?? me.id}`}>{`Welcome, ${me.name ?? 'there'}`}</PageTitle>
      {cards.length === 0 ? (
        <p className="state empty">Your account has no Charter role yet, so there is nothing to show. Ask your administrator to add you to a Charter group.</p>
      ) : (
        <ul className="cards">
          {cards.map((c) => (
            <li key={c.to}>
              <Link to={c.to} className="card-link">
                <h2>{c.title}</h2>
                <p>{c.text}</p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
