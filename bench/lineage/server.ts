/**
 * The Charter server under test for bench/lineage.bench.ts, in its own child process (the load
 * generator does not share its event loop): Charter as deployed, configured from the environment
 * through loadConfig.
 *
 * Requests from the parent (see ../ipc.ts): `memory`, `usage` (memory, peak RSS, heap after a
 * full GC) and `ingestCpu` (times validation, planning and merging of events in process, no I/O).
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createCharterApp } from '../../src/app.factory';
import { createLogger } from '../../src/common/logger';
import { loadConfig } from '../../src/config/config';
import { mergePlans } from '../../src/lineage/ingest/ingest-batch';
import { planEvent, type IngestPlan } from '../../src/lineage/ingest/ingest-plan';
import { OpenLineageValidator } from '../../src/lineage/ingest/openlineage-validator';
import { failStartup, memoryFigures, serveParent, type MemoryFigures } from '../ipc';

export interface UsageRequest {
  /** Run a full GC first (heap figures then show what is retained, not garbage). */
  gc: boolean;
}

export interface UsageFigures extends MemoryFigures {
  /** Peak resident set size of the process so far. */
  maxRssMiB: number;
  /** Whether a full GC ran before the figures were taken. */
  afterGc: boolean;
}

export interface IngestCpuRequest {
  /** Event JSON texts. */
  events: string[];
}

export interface IngestCpuResult {
  events: number;
  bytes: number;
  /** Per event, µs: JSON.parse, ajv validation, planEvent (hashes, facets), mergePlans (per batch of 2,000). */
  parseUs: number;
  validateUs: number;
  planUs: number;
  mergeUs: number;
}

function forcedGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? () => void (gc as () => void)() : undefined;
  } catch {
    return undefined;
  }
}

function ingestCpu(texts: string[]): IngestCpuResult {
  const validator = new OpenLineageValidator();
  const time = (fn: () => void) => {
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1000;
  };
  let events: unknown[] = [];
  let plans: IngestPlan[] = [];
  // One untimed round so the validators are compiled and the code is optimised.
  for (const text of texts.slice(0, 200)) planEvent(JSON.parse(text));
  const parseUs = time(() => (events = texts.map((t) => JSON.parse(t) as unknown)));
  const validateUs = time(() => {
    for (const e of events) if (validator.validate(e)) throw new Error('an event of the bench is invalid');
  });
  const planUs = time(() => (plans = events.map(planEvent)));
  const mergeUs = time(() => {
    for (let i = 0; i < plans.length; i += 2000) mergePlans(plans.slice(i, i + 2000));
  });
  const n = texts.length;
  return {
    events: n,
    bytes: texts.reduce((s, t) => s + Buffer.byteLength(t), 0),
    parseUs: parseUs / n,
    validateUs: validateUs / n,
    planUs: planUs / n,
    mergeUs: mergeUs / n,
  };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const app = await createCharterApp(config, logger);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const gc = forcedGc();
  serveParent(
    port,
    {
      usage: (payload): UsageFigures => {
        const { gc: wantGc } = payload as UsageRequest;
        if (wantGc) gc?.();
        return { ...memoryFigures(), maxRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10, afterGc: wantGc && gc !== undefined };
      },
      ingestCpu: (payload) => ingestCpu((payload as IngestCpuRequest).events),
    },
    () => app.close(),
  );
}

main().catch(failStartup);
