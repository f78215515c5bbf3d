import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Principal, RoleBinding } from '../auth/principal';
import { CHARTER_CONFIG, type CharterConfig } from '../config/config';
import { PolicySnapshot, assertSupportedModel, readDefaultPolicy, type Decision } from './policy-engine';
import { PolicyRepository } from './policy.repository';
import { PolicyWatcher, serialised } from './policy-watcher';
import { splitPermission } from './requires.decorator';

/** Decides `enforce(subject, domain, object, action)` for principals, on the current policy snapshot. */
@Injectable()
export class AuthorizationService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuthorizationService.name);
  private snapshot!: PolicySnapshot;
  private watcher?: PolicyWatcher;

  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    private readonly policies: PolicyRepository,
  ) {
    assertSupportedModel(config.policiesDir);
  }

  async onModuleInit(): Promise<void> {
    const applied = await this.policies.applyDefaults(readDefaultPolicy(this.config.policiesDir));
    if (applied > 0) this.logger.log(`applied ${applied} new default policy lines from ${this.config.policiesDir}/policy.csv`);
    await this.reload();
    this.watcher = new PolicyWatcher(this.config.databaseUrl!, () => this.reload());
    await this.watcher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.watcher?.stop();
  }

  /** Rebuilds the snapshot from PostgreSQL (serialised: the newest reload wins, a failed one is retried later). */
  readonly reload = serialised(async () => {
    const rows = await this.policies.loadAll();
    this.snapshot = PolicySnapshot.build(rows);
    this.logger.debug(`policy loaded: ${rows.length} rules`);
  });

  /** Role assignments an administrator made for a subject (IdP roles are on the principal). */
  assignedRoles(subject: string): RoleBinding[] {
    return this.snapshot.assignedRoles(subject);
  }

  /**
   * Writes a time-bound allow line (an access grant) in the current transaction; every replica
   * loads it on commit, and the engine stops matching it at `expiresAt` even before it is swept.
   */
  addExpiringGrant(subject: string, domain: string, object: string, action: string, expiresAt: Date): Promise<string> {
    return this.policies.insertExpiring([subject, domain, object, action], expiresAt);
  }

  removeGrantLine(id: string): Promise<boolean> {
    return this.policies.deleteById(id);
  }

  /**
   * Checks a permission (`resource.action`). Synchronous and allocation-light: it runs on every request. With a domain, in that domain only; without one (an
   * operation not tied to a domain), allowed if some domain the principal has a role in allows it.
   */
  check(principal: Principal, permission: string, domain?: string): Decision {
    const snapshot = this.snapshot;
    const { object, action } = splitPermission(permission);
    const domains = domain !== undefined ? [domain] : candidateDomains(principal, snapshot);
    let first: Decision | undefined;
    for (const d of domains) {
      const decision = snapshot.decide(principal.subject, principal.roles, d, object, action);
      if (decision.allowed) return decision;
      first ??= decision;
    }
    return first!;
  }
}

function candidateDomains(principal: Principal, snapshot: PolicySnapshot): string[] {
  const out = new Set<string>(['*']);
  for (const r of principal.roles) out.add(r.domain);
  for (const d of snapshot.assignedDomains(principal.subject)) out.add(d);
  return [...out];
}
