import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PredictionsService } from '../query/predictions.service';
import { PredictionPartitions } from './prediction-partitions';
import { PredictionRetentionService } from './prediction-retention.service';

const EVERY_MS = 300_000;

/** Every five minutes: the volume alert rule; every hour: partitions ahead and retention. */
@Injectable()
export class PredictionSchedule implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PredictionSchedule.name);
  private timer?: NodeJS.Timeout;
  private lastHourly = 0;

  constructor(
    private readonly partitions: PredictionPartitions,
    private readonly retention: PredictionRetentionService,
    private readonly predictions: PredictionsService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.partitions.ensureAhead();
    this.timer = setInterval(() => void this.tick(), EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      await this.predictions.checkVolumes();
      if (Date.now() - this.lastHourly >= 3_600_000) {
        this.lastHourly = Date.now();
        await this.partitions.ensureAhead();
        await this.retention.run(null);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'prediction maintenance failed');
    }
  }
}
