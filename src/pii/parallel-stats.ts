import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { mergeSummaries, type ColumnSummary } from './column-stats';
import type { Row, RowSink } from './input/table-input';
import type { PiiThresholds } from './thresholds';

export interface WorkerSetup {
  thresholds: PiiThresholds;
}

export type WorkerMessage = { kind: 'columns'; names: string[] } | { kind: 'rows'; rows: Row[] } | { kind: 'finish' };
export type WorkerReply = { kind: 'ack' } | { kind: 'done'; summaries: ColumnSummary[] };

const BATCH_ROWS = 2000;
// Batches a worker may have queued before the reader waits: bounds memory on fast inputs.
const MAX_IN_FLIGHT = 4;

interface Lane {
  worker: Worker;
  inFlight: number;
  waiters: (() => void)[];
  done?: (summaries: ColumnSummary[]) => void;
  failed?: Error;
}

/**
 * Full scans on machines with more than one core: the reading thread parses, and batches of rows
 * go round-robin to worker threads that run the detectors (the expensive part: libphonenumber
 * alone costs ~20 µs a North American number). Each worker summarises every column over its
 * rows and the summaries are added up, so every cell still goes through every detector and the
 * counts are those of a single-threaded scan; only compromise's per-column budget of tagged
 * cells is split between the workers. Memory stays bounded: a reader that gets ahead of a
 * worker waits for it.
 */
export class ParallelStatsSink implements RowSink {
  private readonly lanes: Lane[];
  private names: string[] = [];
  private batch: Row[] = [];

  private next = 0;

  constructor(workers: number, thresholds: PiiThresholds) {
    const share: PiiThresholds = { ...thresholds, freeText: { ...thresholds.freeText, nlpCells: Math.ceil(thresholds.freeText.nlpCells / workers) } };
    this.lanes = Array.from({ length: workers }, () => {
      const worker = new Worker(path.join(__dirname, 'stats-worker.js'), { workerData: { thresholds: share } satisfies WorkerSetup });
      const lane: Lane = { worker, inFlight: 0, waiters: [] };
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'ack') {
          lane.inFlight--;
          lane.waiters.splice(0).forEach((w) => w());
        } else lane.done?.(reply.summaries);
      });
      worker.on('error', (error) => {
        lane.failed = error;
        lane.waiters.splice(0).forEach((w) => w());
      });
      return lane;
    });
  }

  columns(names: readonly string[]): void {
    this.flush();
    this.names = [...names];
    for (const lane of this.lanes) lane.worker.postMessage({ kind: 'columns', names: this.names } satisfies WorkerMessage);
  }

  row(values: Row): Promise<void> | undefined {
    this.batch.push(values);
    if (this.batch.length < BATCH_ROWS) return undefined;
    const lane = this.flush();
    return lane && lane.inFlight >= MAX_IN_FLIGHT ? this.waitFor(lane) : undefined;
  }

  private waitFor(lane: Lane): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (lane.failed) reject(lane.failed);
        else if (lane.inFlight < MAX_IN_FLIGHT) resolve();
        else lane.waiters.push(check);
      };
      check();
    });
  }

  /** Sends the pending batch to the next worker, and returns that worker. */
  private flush(): Lane | undefined {
    if (!this.batch.length) return undefined;
    const lane = this.lanes[this.next++ % this.lanes.length]!;
    lane.inFlight++;
    lane.worker.postMessage({ kind: 'rows', rows: this.batch } satisfies WorkerMessage);
    this.batch = [];
    return lane;
  }

  /** Waits for every worker, then returns the column summaries in table order. */
  async finish(): Promise<ColumnSummary[]> {
    this.flush();
    try {
      const parts = await Promise.all(
        this.lanes.map(
          (lane) =>
            new Promise<ColumnSummary[]>((resolve, reject) => {
              if (lane.failed) return reject(lane.failed);
              lane.done = resolve;
              lane.worker.once('error', reject);
              lane.worker.postMessage({ kind: 'finish' } satisfies WorkerMessage);
            }),
        ),
      );
      // A worker that received no batch after a column appeared has no summary for it.
      return this.names.map((_name, i) => mergeSummaries(parts.map((p) => p[i]).filter((s): s is ColumnSummary => s !== undefined)));
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }
}
