import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PrincipalRepository } from '../src/auth/principal.repository';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const DIGEST = `sha256:${'cd'.repeat(32)}`;
const PERSON = 'id name email';

interface Person {
  id: string;
  name: string | null;
  email: string | null;
}

/**
 * The person fields beside principal ids (review trail, stage history, exceptions, PII verdicts,
 * audit log): names and e-mails of the people, loaded with one query per request, not per row.
 */
describe('people by name beside principal ids', () => {
  let stack: TestStack | undefined;
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  const ids: Record<string, string> = {};
  let versionId = '';
  /** Calls of the people queries, by id and by e-mail, with what each asked for. */
  const peopleQueries: string[][] = [];
  const emailQueries: string[][] = [];

  async function ok<T>(user: string, query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await app.graphql<T>(query, await idp.token(user), variables);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    return res.data!;
  }
  const person = (user: string, name: string): Person => ({ id: ids[user]!, name, email: `${user}@charter.local` });

  before(async () => {
    stack = await startTestStack();
    ({ db, idp, app } = stack);
    for (const user of ['ds', 'risk', 'risk2', 'mowner', 'owner', 'compliance']) ids[user] = (await ok<{ me: { id: string } }>(user, '{ me { id } }')).me.id;
    const repository = app.app.get(PrincipalRepository);
    const findPeople = repository.findPeople.bind(repository);
    repository.findPeople = (list) => {
      peopleQueries.push([...list]);
      return findPeople(list);
    };
    const findPeopleByEmail = repository.findPeopleByEmail.bind(repository);
    repository.findPeopleByEmail = (list) => {
      emailQueries.push([...list]);
      return findPeopleByEmail(list);
    };

    await ok('ds', 'mutation { createModel(input: { name: "fraud-scorer", domain: "credit", riskTier: HIGH, owner: "mowner@charter.local" }) { id } }');
    versionId = (
      await ok<{ registerModelVersion: { id: string } }>(
        'ds',
        `mutation { registerModelVersion(input: { modelName: "fraud-scorer", version: "1", artifactUri: "s3://m/fraud/1", artifactDigest: "${DIGEST}" }) { id } }`,
      )
    ).registerModelVersion.id;
    await ok('ds', 'mutation($id: ID!) { submitModelCardForReview(input: { modelVersionId: $id, comment: "ready" }) { id } }', { id: versionId });
  });
  after(async () => stack?.close());

  it('names the people of a mutation’s own answer: the approvers in the review trail', async () => {
    const APPROVE = `mutation($id: ID!) { approveModelCard(input: { modelVersionId: $id, revision: 1 }) { status reviews { action actor actorPerson { ${PERSON} } } } }`;
    await ok('risk', APPROVE, { id: versionId });
    const approved = (
      await ok<{ approveModelCard: { status: string; reviews: { action: string; actor: string; actorPerson: Person | null }[] } }>('risk2', APPROVE, {
        id: versionId,
      })
    ).approveModelCard;
    assert.equal(approved.status, 'APPROVED');
    assert.deepEqual(
      approved.reviews.map((r) => [r.action, r.actor, r.actorPerson]),
      [
        ['submit', ids['ds'], person('ds', 'Dana Scientist')],
        ['approve', ids['risk'], person('risk', 'Riley Risk')],
        ['approve', ids['risk2'], person('risk2', 'Robin Risk')],
      ],
    );
  });

  it('loads every person of a model card (review trail and exceptions) with one query', async () => {
    await ok('ds', 'mutation($id: ID!) { promoteModelVersion(input: { modelVersionId: $id, to: STAGING, reason: "try" }) { id } }', { id: versionId });
    await ok('risk', `mutation($input: GrantPromotionExceptionInput!) { grantPromotionException(input: $input) { id } }`, {
      input: {
        modelVersionId: versionId,
        name: 'EXC-1 pilot',
        reason: 'Pilot with ten customers',
        waives: ['BIAS_REPORT'],
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    });
    await ok('mowner', 'mutation($id: ID!) { commentOnModelCard(input: { modelVersionId: $id, comment: "Thanks" }) { id } }', { id: versionId });

    peopleQueries.length = 0;
    const { modelCard } = await ok<{
      modelCard: { reviews: { actor: string; actorPerson: Person | null }[]; exceptions: { grantedBy: string; grantedByPerson: Person | null }[] };
    }>(
      'compliance',
      `query($id: ID!) { modelCard(id: $id) { reviews { actor actorPerson { ${PERSON} } } exceptions { grantedBy grantedByPerson { ${PERSON} } } } }`,
      {
        id: versionId,
      },
    );
    assert.deepEqual(
      modelCard.reviews.map((r) => r.actorPerson?.name),
      ['Dana Scientist', 'Riley Risk', 'Robin Risk', 'Morgan Model-Owner'],
    );
    assert.deepEqual(modelCard.exceptions, [{ grantedBy: ids['risk'], grantedByPerson: person('risk', 'Riley Risk') }]);
    assert.equal(peopleQueries.length, 1, 'one query for the people of every review and exception');
    assert.deepEqual(new Set(peopleQueries[0]), new Set([ids['ds'], ids['risk'], ids['risk2'], ids['mowner']]), 'each person asked for once');
  });

  it('names who moved the version in its stage history, with one query per list however long', async () => {
    await ok('mowner', 'mutation($id: ID!) { promoteModelVersion(input: { modelVersionId: $id, to: DEVELOPMENT, reason: "back" }) { id } }', { id: versionId });
    await ok('ds', 'mutation($id: ID!) { promoteModelVersion(input: { modelVersionId: $id, to: STAGING, reason: "again" }) { id } }', { id: versionId });
    peopleQueries.length = 0;
    const { modelVersion } = await ok<{ modelVersion: { stageHistory: { to: string; changedBy: string; changedByPerson: Person | null }[] } }>(
      'compliance',
      `query($id: ID!) { modelVersion(id: $id) { stageHistory { to changedBy changedByPerson { ${PERSON} } } } }`,
      { id: versionId },
    );
    assert.deepEqual(
      modelVersion.stageHistory.map((s) => [s.to, s.changedBy, s.changedByPerson]),
      [
        ['DEVELOPMENT', ids['ds'], person('ds', 'Dana Scientist')],
        ['STAGING', ids['ds'], person('ds', 'Dana Scientist')],
        ['DEVELOPMENT', ids['mowner'], person('mowner', 'Morgan Model-Owner')],
        ['STAGING', ids['ds'], person('ds', 'Dana Scientist')],
      ],
    );
    assert.equal(peopleQueries.length, 1);
  });

  it('names who decided a PII verdict, and gives no person for an id that is not a principal', async () => {
    const [dataset] = await db.query<{ id: string }>(
      `INSERT INTO lineage_datasets (namespace, name, domain, owner, sensitivity) VALUES ('postgres://crm', 'customers', 'credit', 'owner@charter.local', 'internal') RETURNING id`,
    );
    await ok(
      'owner',
      'mutation { setPiiVerdict(input: { namespace: "postgres://crm", name: "customers", column: "email", entityType: "EMAIL_ADDRESS", verdict: CONFIRMED }) { verdict } }',
    );
    // An API key's id: actor columns are text and may hold one.
    const keyId = randomUUID();
    await db.query(`INSERT INTO pii_verdicts (dataset_id, column_name, entity_type, verdict, decided_by) VALUES ($1, 'notes', 'PERSON', 'rejected', $2)`, [
      dataset!.id,
      keyId,
    ]);
    const { piiVerdicts } = await ok<{ piiVerdicts: { column: string; decidedBy: string; decidedByPerson: Person | null }[] }>(
      'compliance',
      `{ piiVerdicts(namespace: "postgres://crm", name: "customers") { column decidedBy decidedByPerson { ${PERSON} } } }`,
    );
    assert.deepEqual(
      piiVerdicts.sort((a, b) => a.column.localeCompare(b.column)),
      [
        { column: 'email', decidedBy: ids['owner'], decidedByPerson: person('owner', 'Owen Owner') },
        { column: 'notes', decidedBy: keyId, decidedByPerson: null },
      ],
    );
  });

  it("names datasets' owners given by principal id or e-mail (any case), none for a team's name, with one query each way", async () => {
    const owners = [['OWNER@charter.local'], [ids['ds']!], ['Data Platform'], ['nobody@charter.local']];
    for (const [i, [owner]] of owners.entries()) {
      await db.query(`INSERT INTO lineage_datasets (namespace, name, domain, owner, sensitivity) VALUES ('s3://lake', $1, 'credit', $2, 'internal')`, [
        `owned-${i}`,
        owner,
      ]);
    }
    peopleQueries.length = 0;
    emailQueries.length = 0;
    const { datasets } = await ok<{ datasets: { nodes: { name: string; owner: string; ownerPerson: Person | null }[] } }>(
      'compliance',
      `{ datasets(namespace: "s3://lake", first: 10) { nodes { name owner ownerPerson { ${PERSON} } } } }`,
    );
    assert.deepEqual(
      datasets.nodes.sort((a, b) => a.name.localeCompare(b.name)).map((d) => d.ownerPerson),
      [person('owner', 'Owen Owner'), person('ds', 'Dana Scientist'), null, null],
    );
    assert.deepEqual([peopleQueries, emailQueries], [[[ids['ds']]], [['owner@charter.local', 'nobody@charter.local']]], 'one query by id, one by e-mail');
  });

  it("names the audit log's actors, none for anonymous callers", async () => {
    peopleQueries.length = 0;
    const { auditEvents } = await ok<{ auditEvents: { nodes: { action: string; actorId: string | null; actorPerson: Person | null }[] } }>(
      'compliance',
      `{ auditEvents(first: 100, action: "model.create") { nodes { action actorId actorPerson { ${PERSON} } } } }`,
    );
    assert.deepEqual(
      auditEvents.nodes.map((e) => e.actorPerson),
      [person('ds', 'Dana Scientist')],
    );
    assert.equal(peopleQueries.length, 1);
  });
});
