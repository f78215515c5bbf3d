import { parentPort } from 'node:worker_threads';
import { computeBiasMetrics, type BiasOptions, type ConfusionCounts } from './bias-metrics';

/** The worker side of BiasComputer: one report per message, answered with the same id. */
export interface BiasJob {
  id: number;
  counts: [string, ConfusionCounts][];
  options: BiasOptions;
}

parentPort?.on('message', (job: BiasJob) => {
  try {
    parentPort!.postMessage({ id: job.id, report: computeBiasMetrics(new Map(job.counts), job.options) });
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
