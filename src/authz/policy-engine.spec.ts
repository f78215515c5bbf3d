import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { newEnforcer, newModelFromString, Util } from 'casbin';
import type { RoleBinding } from '../auth/principal';
import { PolicySnapshot, SUPPORTED_MODEL, assertSupportedModel } from './policy-engine';
import type { PolicyRow } from './policy.repository';
import { prng } from '../common/prng';

const ROLES = ['admin', 'risk_officer', 'ciso', 'data_scientist', 'service'];
const USERS = ['user:a', 'user:b', 'user:c', 'apikey:k'];
const DOMAINS = ['*', 'retail', 'risk', 'retail-eu'];
const REQUEST_DOMAINS = ['*', 'retail', 'risk', 'retail-eu', 'other'];
const OBJECTS = ['*', 'audit', 'policy', 'lineage', 'line*', 'self'];
const REQUEST_OBJECTS = ['audit', 'policy', 'lineage', 'lineage2', 'self', 'x'];
const ACTIONS = ['*', 'read', 'manage', 'ingest'];
const REQUEST_ACTIONS = ['read', 'manage', 'ingest', 'delete'];

describe('PolicySnapshot decides exactly as Casbin would on policies/model.conf', () => {
  it('accepts the shipped policies/model.conf as the supported model', () => {
    assert.doesNotThrow(() => assertSupportedModel(path.resolve(__dirname, '..', '..', '..', 'policies')));
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`matches Casbin's enforcer on random policies (seed ${seed})`, async () => {
      const rnd = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const rows: PolicyRow[] = [];
      let id = 0;
      for (let i = 0; i < 60; i++) {
        rows.push({
          id: String(++id),
          ptype: 'p',
          v0: pick([...ROLES, ...USERS]),
          v1: pick(DOMAINS),
          v2: pick(OBJECTS),
          v3: pick(ACTIONS),
          v4: rnd() < 0.2 ? 'deny' : 'allow',
        });
      }
      for (let i = 0; i < 10; i++) {
        // Persisted assignments, including role-to-role inheritance.
        rows.push({ id: String(++id), ptype: 'g', v0: pick([...USERS, ...ROLES]), v1: pick(ROLES), v2: pick(DOMAINS), v3: '', v4: '' });
      }
      const credentialRoles = new Map<string, RoleBinding[]>(
        USERS.map((u) => [u, rnd() < 0.7 ? [{ role: pick(ROLES) as RoleBinding['role'], domain: pick(DOMAINS) }] : []]),
      );

      // Casbin's reference: the same lines, with credential roles as g lines.
      const enforcer = await newEnforcer(newModelFromString(SUPPORTED_MODEL));
      await enforcer.addNamedDomainMatchingFunc('g', Util.keyMatchFunc);
      const model = enforcer.getModel();
      for (const r of rows) {
        if (r.ptype === 'p') model.addPolicy('p', 'p', [r.v0, r.v1, r.v2, r.v3, r.v4]);
        else model.addPolicy('g', 'g', [r.v0, r.v1, r.v2]);
      }
      for (const [user, roles] of credentialRoles) for (const b of roles) model.addPolicy('g', 'g', [user, b.role, b.domain]);
      await enforcer.buildRoleLinks();

      const snapshot = PolicySnapshot.build(rows);
      let allowed = 0;
      for (const user of USERS) {
        for (const dom of REQUEST_DOMAINS) {
          for (const obj of REQUEST_OBJECTS) {
            for (const act of REQUEST_ACTIONS) {
              const expected = enforcer.enforceSync(user, dom, obj, act);
              const actual = snapshot.decide(user, credentialRoles.get(user)!, dom, obj, act).allowed;
              assert.equal(actual, expected, `seed ${seed}: enforce(${user}, ${dom}, ${obj}, ${act})`);
              if (actual) allowed++;
            }
          }
        }
      }
      assert.ok(allowed > 0, 'the random policy allows something, so both outcomes were compared');
    });
  }

  it('reports the deny line that overrode an allow', () => {
    const snapshot = PolicySnapshot.build([
      { id: '1', ptype: 'p', v0: 'ciso', v1: '*', v2: 'audit', v3: 'read', v4: 'allow' },
      { id: '2', ptype: 'p', v0: 'user:x', v1: '*', v2: 'audit', v3: '*', v4: 'deny' },
    ]);
    const decision = snapshot.decide('user:x', [{ role: 'ciso', domain: '*' }], 'retail', 'audit', 'read');
    assert.equal(decision.allowed, false);
    assert.deepEqual(decision.matched, { sub: 'user:x', dom: '*', obj: 'audit', act: '*', eft: 'deny' });
  });

  it('refuses a model.conf whose matcher differs from the supported one', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync(path.join((await import('node:os')).tmpdir(), 'charter-model-'));
    try {
      writeFileSync(path.join(dir, 'model.conf'), SUPPORTED_MODEL.replace('keyMatch(r.obj, p.obj)', 'r.obj == p.obj'));
      assert.throws(() => assertSupportedModel(dir), /model\.conf: differs from the model/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
