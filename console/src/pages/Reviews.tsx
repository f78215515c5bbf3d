import { useQuery } from '../api';
import { Link } from '../router';
import { Badge, Empty, PageTitle, Pager, QueryView, human, useCursorPages, when } from '../ui';
import { ModelsDocument } from './Models';

/** The risk officer's inbox: model versions whose card is in review, from the server-side filter. */
export function ReviewsPage() {
  const pages = useCursorPages('');
  const state = useQuery(ModelsDocument, { first: 25, after: pages.after, reviewStatus: 'IN_REVIEW' });
  return (
    <section>
      <PageTitle sub="Model cards submitted for review in the domains you oversee.">Card reviews</PageTitle>
      <QueryView state={state} what="the review inbox">
        {({ models }) => {
          const waiting = models.nodes.flatMap((m) => m.versions.filter((v) => v.cardStatus === 'IN_REVIEW').map((v) => ({ model: m, version: v })));
          return waiting.length === 0 ? (
            <Empty>Nothing is waiting for review. Cards appear here when their owners submit them.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Model card</th>
                    <th scope="col">Domain</th>
                    <th scope="col">Risk tier</th>
                    <th scope="col">Revision</th>
                    <th scope="col">Registered</th>
                  </tr>
                </thead>
                <tbody>
                  {waiting.map(({ model, version }) => (
                    <tr key={version.id}>
                      <td>
                        <Link to={`/cards/${version.id}`}>
                          {model.name} {version.version}
                        </Link>
                      </td>
                      <td>{model.domain}</td>
                      <td>
                        <Badge tone={model.riskTier === 'HIGH' ? 'bad' : 'neutral'}>{human(model.riskTier)}</Badge>
                      </td>
                      <td>{version.cardRevision}</td>
                      <td>{when(version.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager page={pages.page} hasNext={models.pageInfo.hasNextPage} onNext={() => pages.next(models.pageInfo.endCursor)} onPrevious={pages.previous} />
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
