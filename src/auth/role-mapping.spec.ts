import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CHARTER_ROLES } from './principal';
import { RoleMapping } from './role-mapping';

// Compiled to dist/src/auth/; the repository's policies/ is three levels up.
const REPO_POLICIES = path.resolve(__dirname, '..', '..', '..', 'policies');

const sortBindings = <T extends { role: string; domain: string }>(b: T[]) =>
  [...b].sort((x, y) => `${x.role}@${x.domain}`.localeCompare(`${y.role}@${y.domain}`));

describe('RoleMapping', () => {
  const tmpDirs: string[] = [];
  const policiesDir = (yaml: string): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'charter-role-mapping-'));
    tmpDirs.push(dir);
    writeFileSync(path.join(dir, 'role-mapping.yaml'), yaml);
    return dir;
  };
  after(() => {
    for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('default mapping', () => {
    const mapping = RoleMapping.fromObject(true, {});

    it('maps a group named like a role to that role in every domain', () => {
      for (const role of CHARTER_ROLES) {
        assert.deepEqual(mapping.rolesFor([role]), [{ role, domain: '*' }], role);
      }
    });

    it('accepts Keycloak full-path groups (leading slash)', () => {
      assert.deepEqual(mapping.rolesFor(['/risk_officer']), [{ role: 'risk_officer', domain: '*' }]);
    });

    it('gives nothing for unknown or near-miss groups', () => {
      assert.deepEqual(mapping.rolesFor([]), []);
      assert.deepEqual(mapping.rolesFor(['wizard', 'engineering', 'Admin', 'admins', '/charter/admin', 'risk-officer', '//admin']), []);
    });

    it('maps several groups and removes duplicates', () => {
      const roles = mapping.rolesFor(['ciso', 'unknown', 'compliance', '/ciso', 'ciso']);
      assert.deepEqual(sortBindings(roles), [
        { role: 'ciso', domain: '*' },
        { role: 'compliance', domain: '*' },
      ]);
    });
  });

  describe('explicit mapping', () => {
    const mapping = RoleMapping.fromObject(true, {
      '/charter/retail-risk-officers': [{ role: 'risk_officer', domain: 'retail' }],
      '5f1c9a7e-0000-4000-8000-000000000000': [
        { role: 'ciso', domain: '*' },
        { role: 'compliance', domain: 'retail' },
      ],
    });

    it('maps a named group to a role in its domain', () => {
      assert.deepEqual(mapping.rolesFor(['/charter/retail-risk-officers']), [{ role: 'risk_officer', domain: 'retail' }]);
    });

    it('maps one group to several bindings (Entra ID object ids)', () => {
      assert.deepEqual(sortBindings(mapping.rolesFor(['5f1c9a7e-0000-4000-8000-000000000000'])), [
        { role: 'ciso', domain: '*' },
        { role: 'compliance', domain: 'retail' },
      ]);
    });

    it('combines explicit and default bindings', () => {
      assert.deepEqual(sortBindings(mapping.rolesFor(['/charter/retail-risk-officers', 'data_scientist', 'nobody'])), [
        { role: 'data_scientist', domain: '*' },
        { role: 'risk_officer', domain: 'retail' },
      ]);
    });
  });

  describe('defaultMapping: false', () => {
    const mapping = RoleMapping.fromObject(false, { 'ml-admins': [{ role: 'admin', domain: '*' }] });

    it('ignores groups named like roles', () => {
      assert.deepEqual(mapping.rolesFor(['admin', '/risk_officer', 'service']), []);
    });

    it('still applies explicit entries', () => {
      assert.deepEqual(mapping.rolesFor(['admin', 'ml-admins']), [{ role: 'admin', domain: '*' }]);
    });
  });

  describe('load', () => {
    it('loads the repository policies/role-mapping.yaml', () => {
      const mapping = RoleMapping.load(REPO_POLICIES);
      assert.deepEqual(mapping.rolesFor(['risk_officer']), [{ role: 'risk_officer', domain: '*' }]);
      assert.deepEqual(mapping.rolesFor(['/admin']), [{ role: 'admin', domain: '*' }]);
      assert.deepEqual(mapping.rolesFor(['engineering']), []);
    });

    it('reads explicit groups, defaulting domain to "*"', () => {
      const dir = policiesDir(
        [
          'defaultMapping: false',
          'groups:',
          '  "/charter/retail-risk-officers":',
          '    - { role: risk_officer, domain: retail }',
          '  "5f1c9a7e-0000-4000-8000-000000000000":',
          '    - { role: ciso }',
          '',
        ].join('\n'),
      );
      const mapping = RoleMapping.load(dir);
      assert.deepEqual(mapping.rolesFor(['/charter/retail-risk-officers']), [{ role: 'risk_officer', domain: 'retail' }]);
      assert.deepEqual(mapping.rolesFor(['5f1c9a7e-0000-4000-8000-000000000000']), [{ role: 'ciso', domain: '*' }]);
      assert.deepEqual(mapping.rolesFor(['ciso']), [], 'defaultMapping: false is honoured');
    });

    it('treats an empty file as the defaults', () => {
      const mapping = RoleMapping.load(policiesDir(''));
      assert.deepEqual(mapping.rolesFor(['compliance']), [{ role: 'compliance', domain: '*' }]);
    });

    it('refuses an unknown role, naming the file and the path', () => {
      const dir = policiesDir(['groups:', '  wizards:', '    - { role: wizard, domain: retail }', ''].join('\n'));
      const file = path.join(dir, 'role-mapping.yaml');
      assert.throws(
        () => RoleMapping.load(dir),
        (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.ok(error.message.startsWith(`${file}: `), error.message);
          assert.match(error.message, /groups\.wizards\.0\.role/);
          assert.match(error.message, /must be one of admin, risk_officer/);
          return true;
        },
      );
    });

    it('refuses a wrongly typed defaultMapping, naming it', () => {
      const dir = policiesDir('defaultMapping: maybe\n');
      assert.throws(
        () => RoleMapping.load(dir),
        (error: Error) => error.message.startsWith(path.join(dir, 'role-mapping.yaml')) && /defaultMapping/.test(error.message),
      );
    });

    it('refuses a missing file, naming it', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'charter-role-mapping-'));
      tmpDirs.push(dir);
      assert.throws(
        () => RoleMapping.load(dir),
        (error: NodeJS.ErrnoException) => error.code === 'ENOENT' && error.message.includes(path.join(dir, 'role-mapping.yaml')),
      );
    });
  });
});
