import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';

export interface PredictionSettingsRow {
  model_name: string;
  redact_fields: string[];
  pseudonymise_fields: string[];
  scan_text_fields: string[];
  subject_field: string | null;
  retention_days: number | null;
  min_hourly_volume: number | null;
  volume_alert_since: Date | null;
  updated_by: string;
  updated_at: Date;
}

@Injectable()
export class PredictionSettingsRepository {
  constructor(private readonly tx: TransactionHost) {}

  findMany(models: string[]): Promise<PredictionSettingsRow[]> {
    return this.tx.query<PredictionSettingsRow>('SELECT * FROM prediction_model_settings WHERE model_name = ANY($1::text[])', [models]);
  }

  /** Default settings (nothing redacted) for a model that has none yet; existing settings are kept. */
  async insertDefault(model: string, by: string): Promise<boolean> {
    const rows = await this.tx.query<{ model_name: string }>(
      `INSERT INTO prediction_model_settings (model_name, updated_by) VALUES ($1, $2) ON CONFLICT (model_name) DO NOTHING RETURNING model_name`,
      [model, by],
    );
    return rows.length > 0;
  }

  all(): Promise<PredictionSettingsRow[]> {
    return this.tx.query<PredictionSettingsRow>('SELECT * FROM prediction_model_settings ORDER BY model_name');
  }

  async upsert(row: Omit<PredictionSettingsRow, 'updated_at' | 'volume_alert_since'>): Promise<PredictionSettingsRow> {
    const [saved] = await this.tx.query<PredictionSettingsRow>(
      `INSERT INTO prediction_model_settings (model_name, redact_fields, pseudonymise_fields, subject_field, retention_days, min_hourly_volume, updated_by,
         scan_text_fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (model_name) DO UPDATE SET redact_fields = EXCLUDED.redact_fields, pseudonymise_fields = EXCLUDED.pseudonymise_fields,
         scan_text_fields = EXCLUDED.scan_text_fields,
         subject_field = EXCLUDED.subject_field, retention_days = EXCLUDED.retention_days, min_hourly_volume = EXCLUDED.min_hourly_volume,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING *`,
      [
        row.model_name,
        row.redact_fields,
        row.pseudonymise_fields,
        row.subject_field,
        row.retention_days,
        row.min_hourly_volume,
        row.updated_by,
        row.scan_text_fields,
      ],
    );
    return saved!;
  }

  /** The stored HMAC key, created by the first replica that asks. */
  /** The named secret, stored (first writer wins) in a transaction of its own, committed before it is used. */
  secretOutsideTransaction(name: string, generated: string): Promise<string> {
    return this.tx.outside(() =>
      this.tx.run(async () => {
        await this.tx.query('INSERT INTO prediction_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, generated]);
        const [row] = await this.tx.query<{ value: string }>('SELECT value FROM prediction_secrets WHERE name = $1', [name]);
        return row!.value;
      }),
    );
  }
}
