import { Inject, Injectable } from '@nestjs/common';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { AppError, ErrorCode } from '../../common/app-error';
import { GroupCommitter } from '../../database/group-commit';
import { TransactionHost } from '../../database/transaction-host';
import { mergePlans } from './ingest-batch';
import { planEvent, type IngestPlan } from './ingest-plan';
import { LineageIngestRepository } from './lineage-ingest.repository';
import { NamespaceDomains } from './namespace-domains';
import { OpenLineageValidator } from './openlineage-validator';

export interface IngestResult {
  /** Events stored now. */
  accepted: number;
  /** Events identical to one stored before (or earlier in the same batch): nothing changed. */
  duplicates: number;
}

interface IngestRequest {
  plans: IngestPlan[];
  payloads: unknown[];
  source: string;
}

// One transaction takes at most this many events from the queue of waiting requests.
const MAX_EVENTS_PER_TRANSACTION = 2000;

/**
 * Takes OpenLineage events as Marquez does. Every event of a request is validated before anything
 * is written; a request's events commit together or not at all. Concurrent requests are group
 * committed: merged into one set of statements and one transaction (see GroupCommitter).
 */
@Injectable()
export class LineageIngestService {
  private readonly validator = new OpenLineageValidator();
  private readonly domains: NamespaceDomains;
  private readonly committer = new GroupCommitter<IngestRequest, IngestResult>(
    (requests) => this.write(requests),
    MAX_EVENTS_PER_TRANSACTION,
    (r) => r.plans.length,
  );

  constructor(
    private readonly repository: LineageIngestRepository,
    private readonly tx: TransactionHost,
    @Inject(CHARTER_CONFIG) config: CharterConfig,
  ) {
    this.domains = NamespaceDomains.load(config.policiesDir);
  }

  async ingest(events: unknown[], source: string): Promise<IngestResult> {
    const plans = events.map((event, index) => {
      const problem = this.validator.validate(event);
      if (problem) {
        const where = events.length > 1 ? `event ${index}: ` : '';
        throw new AppError(ErrorCode.BAD_USER_INPUT, `${where}${problem.pointer} ${problem.message} (rule "${problem.rule}")`, problem.pointer, {
          rule: problem.rule,
          ...(events.length > 1 ? { index } : {}),
        });
      }
      return planEvent(event);
    });
    return this.committer.submit({ plans, payloads: events, source });
  }

  private write(requests: IngestRequest[]): Promise<IngestResult[]> {
    return this.tx.run(async () => {
      // The first occurrence of an event (in this batch or ever) is the one that counts.
      const firsts = new Map<string, { plan: IngestPlan; payload: unknown; source: string }>();
      for (const r of requests)
        r.plans.forEach((plan, i) => firsts.has(plan.hash) || firsts.set(plan.hash, { plan, payload: r.payloads[i], source: r.source }));
      const fresh = await this.repository.insertEvents([...firsts.values()]);
      const claimed = new Set<string>();
      const results = requests.map((r) => {
        const accepted = r.plans.filter((p) => fresh.has(p.hash) && !claimed.has(p.hash) && claimed.add(p.hash)).length;
        return { accepted, duplicates: r.plans.length - accepted };
      });
      const batch = mergePlans([...firsts.values()].filter((e) => fresh.has(e.plan.hash)).map((e) => e.plan));

      const datasetIds = await this.repository.upsertDatasets(batch.datasets, (ns) => this.domains.domainOf(ns));
      const versioned = await this.repository.upsertDatasetVersions(batch.datasetVersions, datasetIds);
      await this.repository.refreshCurrentVersions(versioned);
      const jobIds = await this.repository.upsertJobs(batch.jobs, (ns) => this.domains.domainOf(ns));
      const versionIds = await this.repository.upsertJobVersions(batch.jobVersions, jobIds);
      await this.repository.upsertRuns(batch.runs, jobIds, versionIds);
      await this.repository.insertRunIo(batch.runIo, datasetIds);
      await this.repository.upsertEdges(batch.edges, datasetIds, jobIds);
      await this.repository.upsertColumnEdges(batch.columnEdges, datasetIds);
      return results;
    });
  }
}
