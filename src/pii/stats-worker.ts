// Worker side of parallel-stats.ts: accumulates statistics for every column over the row
// batches it is sent, and returns them as plain summaries at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { ColumnStats, summaryOf } from './column-stats';
import { CellClassifier } from './detectors';
import type { WorkerMessage, WorkerReply, WorkerSetup } from './parallel-stats';

const setup = workerData as WorkerSetup;
const stats: ColumnStats[] = [];
let rows = 0;

parentPort!.on('message', (message: WorkerMessage) => {
  switch (message.kind) {
    case 'columns':
      for (let i = stats.length; i < message.names.length; i++) {
        const column = new ColumnStats(message.names[i]!, new CellClassifier(), setup.thresholds);
        column.cells = rows;
        stats.push(column);
      }
      return;
    case 'rows':
      for (const row of message.rows) {
        rows++;
        for (let i = 0; i < stats.length; i++) stats[i]!.add(row[i]);
      }
      parentPort!.postMessage({ kind: 'ack' } satisfies WorkerReply);
      return;
    case 'finish':
      parentPort!.postMessage({ kind: 'done', summaries: stats.map(summaryOf) } satisfies WorkerReply);
      return;
  }
});
