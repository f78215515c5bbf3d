import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { CHARTER_CONFIG, type CharterConfig } from '../config/config';
import { PolicySnapshot, readDefaultPolicy, readModel, type Decision } from './policy-engine';
import { PolicyRepository } from './policy.repository';
import { PolicyWatcher } from './policy-watcher';
import { splitPermission } from './requires.decorator';

/** Decides `enforce(subject, domain, object, action)` for principals, on the current policy snapshot. */
@Injectable()
export class AuthorizationService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuthorizationService.name);
  private snapshot!: PolicySnapshot;
  private readonly modelText: string;
  private watcher?: PolicyWatcher;
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    private readonly policies: PolicyRepository,
  ) {
    this.modelText = readModel(config.policiesDir);
  }

  async onModuleInit(): Promise<void> {
    if (await this.policies.seedOnce(readDefaultPolicy(this.config.policiesDir))) {
      this.logger.log(`seeded the default policy from ${this.config.policiesDir}/policy.csv`);
    }
    await this.reload();
    this.watcher = new PolicyWatcher(this.config.databaseUrl!, () => this.reload());
    await this.watcher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.watcher?.stop();
  }

  /** Rebuilds the snapshot from PostgreSQL; reloads are serialised so the newest always wins. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      const rows = await this.policies.loadAll();
      this.snapshot = await PolicySnapshot.build(this.modelText, rows);
      this.logger.debug(`policy loaded: ${rows.length} rules`);
    });
    return this.reloading;
  }

  /**
   * Checks a permission (`resource.action`). With a domain, in that domain only; without one (an
   * operation not tied to a domain), allowed if some domain the principal has a role in allows it.
   */
  async check(principal: Principal, permission: string, domain?: string): Promise<Decision> {
    const snapshot = this.snapshot;
    await snapshot.linkRoles(principal.subject, principal.roles);
    const { object, action } = splitPermission(permission);
    const domains = domain !== undefined ? [domain] : candidateDomains(principal, snapshot);
    for (const d of domains) {
      if (snapshot.check(principal.subject, d, object, action)) return { allowed: true, domain: d, matchedRule: [] };
    }
    const first = domains[0]!;
    return { allowed: false, domain: first, matchedRule: snapshot.explain(principal.subject, first, object, action) };
  }
}

function candidateDomains(principal: Principal, snapshot: PolicySnapshot): string[] {
  const out = new Set<string>(['*']);
  for (const r of principal.roles) out.add(r.domain);
  for (const d of snapshot.assignedDomains.get(principal.subject) ?? []) out.add(d);
  return [...out];
}
