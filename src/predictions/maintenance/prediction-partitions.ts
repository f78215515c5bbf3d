import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';

// Daily partitions, created this many days ahead; the default partition catches anything else.
const DAYS_AHEAD = 7;
// Any constant: replicas creating partitions at the same time take turns.
const PARTITION_LOCK_KEY = 7_240_005;

export function partitionName(day: Date): string {
  return `prediction_events_${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

function startOfDay(t: number): Date {
  const d = new Date(t);
  d.setUTCHours(0, 0, 0, 0);
  return d;
}

/** Keeps daily partitions of prediction_events ahead of the clock (run by PredictionSchedule). */
@Injectable()
export class PredictionPartitions {
  constructor(private readonly tx: TransactionHost) {}
  /** Creates the partitions for today and the next DAYS_AHEAD days that do not exist yet. */
  async ensureAhead(now = Date.now()): Promise<void> {
    const today = startOfDay(now).getTime();
    for (let i = 0; i <= DAYS_AHEAD; i++) {
      const from = new Date(today + i * 86_400_000);
      const to = new Date(today + (i + 1) * 86_400_000);
      await this.tx.run(async () => {
        await this.tx.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
        const [exists] = await this.tx.query<{ n: number }>('SELECT 1 AS n FROM pg_class WHERE relname = $1', [partitionName(from)]);
        if (exists) return;
        // Rows already in the default partition for that day would make CREATE fail; they stay there.
        const [stray] = await this.tx.query<{ n: number }>(
          'SELECT 1 AS n FROM prediction_events_default WHERE received_at >= $1 AND received_at < $2 LIMIT 1',
          [from, to],
        );
        if (stray) return;
        await this.tx.query(
          `CREATE TABLE ${partitionName(from)} PARTITION OF prediction_events FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
        );
      });
    }
  }
}
