import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PolicyWatcher } from '../../authz/policy-watcher';
import { TransactionHost } from '../../database/transaction-host';
import { AppError } from '../../common/app-error';
import type { Principal } from '../../auth/principal';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { RuleFileError, evaluate, loadAccessRules, loadPurposes, type AccessFacts, type AccessRule, type RuleDecision } from './access-rules';

/** Replicas told to re-read their rule files after an administrator's reload. */
export const ACCESS_RULES_CHANNEL = 'charter_access_rules';

/**
 * The current access rules and purpose vocabulary: validated at boot (Charter refuses to start on a
 * bad file) and on reload. A reload on one replica tells every replica to re-read its own files, so
 * a tightened rule is not left unapplied elsewhere (update the files everywhere first, e.g. the
 * ConfigMap, then reload once).
 */
@Injectable()
export class RuleBook implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RuleBook.name);
  private rules: AccessRule[];
  private purposes: Map<string, string>;
  private watcher?: PolicyWatcher;

  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    private readonly audit: GovernanceAuditService,
    private readonly tx: TransactionHost,
  ) {
    this.purposes = loadPurposes(config.policiesDir);
    this.rules = loadAccessRules(config.policiesDir, this.purposes);
  }

  async onModuleInit(): Promise<void> {
    const reloadHere = async () => {
      try {
        this.reload();
      } catch (error) {
        this.logger.error(`access rules not reloaded on this replica, the current ones stay: ${(error as Error).message}`);
      }
    };
    this.watcher = new PolicyWatcher(this.config.databaseUrl!, reloadHere, 25, 0, ACCESS_RULES_CHANNEL);
    await this.watcher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.watcher?.stop();
  }

  /** Re-reads policies/; a bad file leaves the current rules in force and names the file, rule and field. */
  reload(): AccessRule[] {
    try {
      const purposes = loadPurposes(this.config.policiesDir);
      const rules = loadAccessRules(this.config.policiesDir, purposes);
      this.purposes = purposes;
      this.rules = rules;
      this.logger.log(`access rules reloaded: ${rules.length} rules, ${purposes.size} purposes`);
      return rules;
    } catch (error) {
      if (error instanceof RuleFileError) throw AppError.badInput(`${error.file}${error.rule ? `#${error.rule}` : ''}:${error.field}`, error.message);
      throw error;
    }
  }

  /** An administrator's reload, audited with the rule ids now in force. */
  async reloadAudited(principal: Principal): Promise<AccessRule[]> {
    const rules = this.reload();
    await this.audit.record({
      action: 'access.rules.reload',
      decision: 'allow',
      actorId: principal.id,
      actorLabel: principalLabel(principal),
      target: 'policies/access-rules',
      details: { rules: rules.map((r) => `${r.file}#${r.id}`) },
    });
    // Delivered at commit, to every replica (this one re-reads its files once more, harmlessly).
    await this.tx.query(`SELECT pg_notify($1, '')`, [ACCESS_RULES_CHANNEL]);
    return rules;
  }

  list(): readonly AccessRule[] {
    return this.rules;
  }

  purposeList(): { id: string; description: string }[] {
    return [...this.purposes].map(([id, description]) => ({ id, description }));
  }

  isPurpose(id: string): boolean {
    return this.purposes.has(id);
  }

  decide(facts: AccessFacts): RuleDecision | null {
    return evaluate(this.rules, facts);
  }
}
