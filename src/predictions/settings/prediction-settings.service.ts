import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AppError } from '../../common/app-error';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { isValidPath } from '../ingest/payload-paths';
import { PredictionSettingsRepository, type PredictionSettingsRow } from './prediction-settings.repository';

export interface PredictionSettingsInput {
  modelName: string;
  redactFields?: string[] | null;
  pseudonymiseFields?: string[] | null;
  scanTextFields?: string[] | null;
  subjectField?: string | null;
  retentionDays?: number | null;
  minHourlyVolume?: number | null;
}

// Ingest reads settings per batch from this cache; a change made on another replica applies
// within this long (the replica that made it applies it at once).
const CACHE_MS = 2000;

@Injectable()
export class PredictionSettingsService {
  private cache = new Map<string, { row: PredictionSettingsRow | null; at: number }>();

  constructor(
    private readonly repository: PredictionSettingsRepository,
    private readonly audit: GovernanceAuditService,
  ) {}

  /** Settings per model name (null: the model has none). */
  async forModels(models: string[]): Promise<Map<string, PredictionSettingsRow | null>> {
    const now = Date.now();
    const missing = models.filter((m) => (this.cache.get(m)?.at ?? 0) < now - CACHE_MS);
    if (missing.length > 0) {
      const rows = new Map((await this.repository.findMany(missing)).map((r) => [r.model_name, r]));
      for (const m of missing) this.cache.set(m, { row: rows.get(m) ?? null, at: now });
    }
    return new Map(models.map((m) => [m, this.cache.get(m)?.row ?? null]));
  }

  /**
   * Registers a model for prediction logging with default settings (nothing redacted, no subject
   * key), unless it has settings already: the model registry calls this when a model is created,
   * so PREDICTIONS_REQUIRE_REGISTERED_MODELS accepts the registry's models. Audited.
   */
  async registerModel(actor: Principal, modelName: string): Promise<void> {
    if (!(await this.repository.insertDefault(modelName, actor.subject))) return;
    this.cache.delete(modelName);
    await this.audit.record({
      action: 'predictions.settings.register',
      decision: 'allow',
      actorId: actor.id,
      actorLabel: principalLabel(actor),
      target: `model:${modelName}`,
      details: { reason: 'model created in the registry' },
    });
  }

  list(): Promise<PredictionSettingsRow[]> {
    return this.repository.all();
  }

  async set(actor: Principal, input: PredictionSettingsInput): Promise<PredictionSettingsRow> {
    const modelName = input.modelName.trim();
    if (!modelName || modelName.length > 200) throw AppError.badInput('input.modelName', 'modelName must be 1 to 200 characters');
    const paths = (field: string, list: string[] | null | undefined) => {
      const bad = (list ?? []).find((p) => !isValidPath(p));
      if (bad !== undefined) throw AppError.badInput(field, `"${bad}" is not a dotted field path such as customer.id or inputs.0.data`);
      return [...new Set(list ?? [])];
    };
    const redact = paths('input.redactFields', input.redactFields);
    const pseudonymise = paths('input.pseudonymiseFields', input.pseudonymiseFields);
    const scanText = paths('input.scanTextFields', input.scanTextFields);
    const subject = input.subjectField?.trim() || null;
    if (subject !== null && !isValidPath(subject)) throw AppError.badInput('input.subjectField', `"${subject}" is not a dotted field path`);
    if (input.retentionDays != null && (!Number.isInteger(input.retentionDays) || input.retentionDays < 1)) {
      throw AppError.badInput('input.retentionDays', 'retentionDays must be a positive integer');
    }
    if (input.minHourlyVolume != null && (!Number.isInteger(input.minHourlyVolume) || input.minHourlyVolume < 0)) {
      throw AppError.badInput('input.minHourlyVolume', 'minHourlyVolume must be a non-negative integer');
    }
    const row = await this.repository.upsert({
      model_name: modelName,
      redact_fields: redact,
      pseudonymise_fields: pseudonymise,
      scan_text_fields: scanText,
      subject_field: subject,
      retention_days: input.retentionDays ?? null,
      min_hourly_volume: input.minHourlyVolume ?? null,
      updated_by: actor.subject,
    });
    await this.audit.record({
      action: 'predictions.settings.set',
      decision: 'allow',
      actorId: actor.id,
      actorLabel: principalLabel(actor),
      target: `model:${modelName}`,
      details: {
        redactFields: redact,
        pseudonymiseFields: pseudonymise,
        scanTextFields: scanText,
        subjectField: subject,
        retentionDays: row.retention_days,
        minHourlyVolume: row.min_hourly_volume,
      },
    });
    this.cache.delete(modelName);
    return row;
  }
}
