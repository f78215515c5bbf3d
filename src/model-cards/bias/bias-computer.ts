import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BiasMetrics, BiasOptions, ConfusionCounts } from './bias-metrics';
import type { BiasJob } from './bias-worker';

type Answer = { id: number; report: BiasMetrics } | { id: number; error: string };

/**
 * Runs the bias bootstrap on a worker thread. Up to MAX_GROUPS groups × 2,000 resamples is
 * 0.6 s of CPU (`npm run bench:models`); on the event loop that froze every other request of the
 * replica for as long. One worker per process, started on first use: reports are rare, so they
 * queue behind each other rather than take a second core from the API. A crashed worker fails
 * the reports it held and is replaced on the next one.
 */
@Injectable()
export class BiasComputer implements OnModuleDestroy {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: BiasMetrics) => void; reject: (e: Error) => void }>();

  compute(counts: Map<string, ConfusionCounts>, options: BiasOptions): Promise<BiasMetrics> {
    const job: BiasJob = { id: this.nextId++, counts: [...counts.entries()], options };
    return new Promise<BiasMetrics>((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      const worker = this.started();
      worker.ref();
      worker.postMessage(job);
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(__dirname, 'bias-worker.js'));
    worker.on('message', (answer: Answer) => {
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      // An idle worker must not keep a process alive that has nothing else to do.
      if (this.pending.size === 0) worker.unref();
      if ('report' in answer) waiting?.resolve(answer.report);
      else waiting?.reject(new Error(`bias computation failed: ${answer.error}`));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiting] of this.pending) {
        this.pending.delete(id);
        waiting.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the bias worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
