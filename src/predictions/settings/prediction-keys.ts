import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { PredictionSettingsRepository } from './prediction-settings.repository';

/**
 * The predictions HMAC key: PREDICTIONS_HMAC_KEY, or else one generated at first use and kept in
 * the database so every replica and every restart pseudonymises equal values equally.
 */
@Injectable()
export class PredictionKeys {
  private key?: Promise<string>;

  constructor(
    private readonly repository: PredictionSettingsRepository,
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
  ) {}

  private load(): Promise<string> {
    const configured = this.config.predictions.hmacKey;
    if (!this.key) {
      // Its own transaction: a key generated inside a caller's transaction that then rolls back
      // would be cached here but never stored, and other replicas would generate another.
      const loading = configured ? Promise.resolve(configured) : this.repository.secretOutsideTransaction('hmac', randomBytes(32).toString('base64url'));
      // A failed load (database restarting) is not cached: the next call tries again.
      this.key = loading.catch((error: unknown) => {
        this.key = undefined;
        throw error;
      });
    }
    return this.key;
  }

  /** A keyed hash of `purpose` + value, hex: equal values match, the value cannot be read back. */
  async hmac(purpose: 'pseudonym' | 'subject' | 'checkpoint', value: string): Promise<string> {
    return createHmac('sha256', await this.load())
      .update(`${purpose}\n${value}`)
      .digest('hex');
  }

  /** Synchronous variant once the key is loaded (ingest batches call it per field). */
  async hasher(purpose: 'pseudonym' | 'subject' | 'checkpoint'): Promise<(value: string) => string> {
    const key = await this.load();
    return (value) => createHmac('sha256', key).update(`${purpose}\n${value}`).digest('hex');
  }
}
