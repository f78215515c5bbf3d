import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/app-error';
import type { Principal } from '../../auth/principal';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../access-people';
import { RuleFileError, evaluate, loadAccessRules, loadPurposes, type AccessFacts, type AccessRule, type RuleDecision } from './access-rules';

/** The current access rules and purpose vocabulary: validated at boot (Charter refuses to start on a bad file) and on reload. */
@Injectable()
export class RuleBook {
  private readonly logger = new Logger(RuleBook.name);
  private rules: AccessRule[];
  private purposes: Map<string, string>;

  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    private readonly audit: GovernanceAuditService,
  ) {
    this.purposes = loadPurposes(config.policiesDir);
    this.rules = loadAccessRules(config.policiesDir, this.purposes);
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
