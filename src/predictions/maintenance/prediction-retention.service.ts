import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { TransactionHost } from '../../database/transaction-host';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { checkpointText } from '../chain/prediction-chain.service';
import { PredictionKeys } from '../settings/prediction-keys';
import { PredictionRetentionRepository } from './prediction-retention.repository';

export interface RetentionResult {
  droppedPartitions: string[];
  checkpoints: { modelName: string; seq: number }[];
}

const DAY_MS = 86_400_000;

function partitionEnd(name: string): Date {
  const d = name.slice(-8);
  return new Date(Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T00:00:00Z`) + DAY_MS);
}

/**
 * Retention drops whole daily partitions. Partitions are shared by all models, so one is dropped
 * only when every model with halves in it allows it (retentionDays set and passed); a model
 * without retentionDays keeps everything. Before the drop, each model's last dropped half becomes
 * a signed checkpoint, from which verifyPredictionChain resumes.
 */
@Injectable()
export class PredictionRetentionService {
  constructor(
    private readonly repository: PredictionRetentionRepository,
    private readonly tx: TransactionHost,
    private readonly keys: PredictionKeys,
    private readonly audit: GovernanceAuditService,
  ) {}

  async run(actor: Principal | null, now = new Date()): Promise<RetentionResult> {
    const result: RetentionResult = { droppedPartitions: [], checkpoints: [] };
    for (const partition of await this.repository.partitions()) {
      const end = partitionEnd(partition);
      if (end.getTime() > now.getTime()) continue;
      await this.tx.run(async () => {
        await this.repository.lock();
        const lasts = await this.repository.lastOfEachModel(partition);
        const settings = new Map((await this.repository.settings(lasts.map((l) => l.model_name))).map((s) => [s.model_name, s]));
        const allowed = lasts.every((l) => {
          const days = settings.get(l.model_name)?.retention_days;
          return days != null && end.getTime() <= now.getTime() - days * DAY_MS;
        });
        if (!allowed) return;
        for (const l of lasts) {
          const seq = Number(l.seq);
          const signature = await this.keys.hmac('checkpoint', checkpointText(l.model_name, seq, l.record_hash, end));
          await this.repository.insertCheckpoint({ model: l.model_name, seq, hash: l.record_hash, droppedTo: end, signature });
          await this.repository.deleteRecordsUpTo(l.model_name, seq);
          result.checkpoints.push({ modelName: l.model_name, seq });
        }
        await this.repository.drop(partition);
        result.droppedPartitions.push(partition);
        await this.audit.record({
          action: 'predictions.retention.drop',
          decision: 'allow',
          actorId: actor?.id ?? null,
          actorLabel: actor ? principalLabel(actor) : 'retention schedule',
          target: `partition:${partition}`,
          details: { droppedTo: end.toISOString(), checkpoints: Object.fromEntries(lasts.map((l) => [l.model_name, Number(l.seq)])) },
        });
      });
    }
    return result;
  }
}
