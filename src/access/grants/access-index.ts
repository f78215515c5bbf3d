import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PolicyWatcher, serialised } from '../../authz/policy-watcher';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { AccessRepository, type LiveGrantRow } from '../access.repository';
import type { AccessAction } from '../rules/access-rules';

interface IndexedGrant {
  id: string;
  action: AccessAction;
  expiresAt: number;
  /** Empty: the whole dataset. */
  fields: string[];
}

export interface IndexDecision {
  allowed: boolean;
  reason: string;
  grantId: string | null;
  expiresAt: Date | null;
  /** When allowed: the fields the grant covers, empty for the whole dataset. */
  fields: string[] | null;
}

// A grant covers its own action and the weaker ones: export ⊃ read ⊃ read_masked.
const STRENGTH: Record<AccessAction, number> = { read_masked: 0, read: 1, export: 2 };

/** Whether `a` is the better answer than `b`: the whole dataset beats some fields, then the later expiry. */
function covers(a: IndexedGrant, b: IndexedGrant): boolean {
  if ((a.fields.length === 0) !== (b.fields.length === 0)) return a.fields.length === 0;
  return a.expiresAt > b.expiresAt;
}

/**
 * Live grants in memory, for the decision API: by principal id (or e-mail) and dataset id (or
 * `namespace` + `name`). Reloaded whenever casbin_rule changes — grant, revocation and expiry all
 * write it — through the policy watcher's LISTEN/NOTIFY, so every replica follows. Expiry is
 * checked on each decision, so a grant stops at its expiry even if no reload or sweep happened.
 */
@Injectable()
export class AccessIndex implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AccessIndex.name);
  private byPrincipal = new Map<string, Map<string, IndexedGrant[]>>();
  private principalByEmail = new Map<string, string>();
  private datasetByName = new Map<string, string>();
  private watcher?: PolicyWatcher;

  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    private readonly repository: AccessRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.watcher = new PolicyWatcher(this.config.databaseUrl!, () => this.reload());
    await this.watcher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.watcher?.stop();
  }

  /** Rebuilds the index from PostgreSQL (serialised: the newest reload wins, a failed one is retried later). */
  readonly reload = serialised(async () => this.swap(await this.repository.liveGrants()));

  /** Drops a grant at once on this replica (revocation); the other replicas drop it on their reload. */
  forget(grantId: string): void {
    for (const datasets of this.byPrincipal.values()) {
      for (const [dataset, grants] of datasets) {
        const kept = grants.filter((g) => g.id !== grantId);
        if (kept.length === grants.length) continue;
        if (kept.length) datasets.set(dataset, kept);
        else datasets.delete(dataset);
        return;
      }
    }
  }

  private swap(rows: LiveGrantRow[]): void {
    const byPrincipal = new Map<string, Map<string, IndexedGrant[]>>();
    const principalByEmail = new Map<string, string>();
    const datasetByName = new Map<string, string>();
    for (const r of rows) {
      let datasets = byPrincipal.get(r.principal_id);
      if (!datasets) byPrincipal.set(r.principal_id, (datasets = new Map<string, IndexedGrant[]>()));
      const list = datasets.get(r.dataset_id);
      const grant = { id: r.id, action: r.action, expiresAt: r.expires_at.getTime(), fields: r.fields };
      if (list) list.push(grant);
      else datasets.set(r.dataset_id, [grant]);
      if (r.email) principalByEmail.set(r.email.toLowerCase(), r.principal_id);
      datasetByName.set(`${r.namespace}\u0000${r.name}`, r.dataset_id);
    }
    this.byPrincipal = byPrincipal;
    this.principalByEmail = principalByEmail;
    this.datasetByName = datasetByName;
    this.logger.debug(`access index: ${rows.length} live grants`);
  }

  get size(): number {
    let n = 0;
    for (const datasets of this.byPrincipal.values()) for (const list of datasets.values()) n += list.length;
    return n;
  }

  /** Synchronous: a check touches only the subject's grants on one dataset. */
  decide(subject: string, dataset: string | { namespace: string; name: string }, action: AccessAction): IndexDecision {
    const ref = subject.toLowerCase();
    const principalId = ref.startsWith('user:') ? ref.slice(5) : ref.includes('@') ? this.principalByEmail.get(ref) : ref;
    const datasetId = typeof dataset === 'string' ? dataset : this.datasetByName.get(`${dataset.namespace}\u0000${dataset.name}`);
    const grants = principalId && datasetId ? this.byPrincipal.get(principalId)?.get(datasetId) : undefined;
    if (!grants) return { allowed: false, reason: 'no grant for this subject on this dataset', grantId: null, expiresAt: null, fields: null };
    const now = Date.now();
    let best: IndexedGrant | undefined;
    let expired: IndexedGrant | undefined;
    for (const g of grants) {
      if (STRENGTH[g.action] < STRENGTH[action]) continue;
      if (g.expiresAt <= now) expired ??= g;
      else if (!best || covers(g, best)) best = g;
    }
    if (best) {
      const scope = best.fields.length ? ` on fields ${best.fields.join(', ')}` : '';
      return {
        allowed: true,
        reason: `grant ${best.id} allows ${best.action}${scope}`,
        grantId: best.id,
        expiresAt: new Date(best.expiresAt),
        fields: best.fields,
      };
    }
    if (expired) return { allowed: false, reason: `grant ${expired.id} expired`, grantId: expired.id, expiresAt: new Date(expired.expiresAt), fields: null };
    return {
      allowed: false,
      reason: `granted actions (${grants.map((g) => g.action).join(', ')}) do not include ${action}`,
      grantId: null,
      expiresAt: null,
      fields: null,
    };
  }
}
