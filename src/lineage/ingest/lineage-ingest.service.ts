import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/app-error';
import { TransactionHost } from '../../database/transaction-host';
import { planEvent, type DatasetKey, type IngestPlan } from './ingest-plan';
import { LineageIngestRepository } from './lineage-ingest.repository';
import { OpenLineageValidator } from './openlineage-validator';

export interface IngestResult {
  /** Events stored now. */
  accepted: number;
  /** Events identical to one stored before: nothing changed. */
  duplicates: number;
}

const key = (d: DatasetKey) => `${d.namespace}\u0000${d.name}`;

/**
 * Takes OpenLineage events as Marquez does. Every event of a request is validated before anything
 * is written, and a request is one transaction: an invalid event in a batch stores nothing.
 */
@Injectable()
export class LineageIngestService {
  private readonly validator = new OpenLineageValidator();

  constructor(
    private readonly repository: LineageIngestRepository,
    private readonly tx: TransactionHost,
  ) {}

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
    return this.tx.run(async () => {
      const result: IngestResult = { accepted: 0, duplicates: 0 };
      for (const [i, plan] of plans.entries()) {
        if (await this.store(plan, events[i], source)) result.accepted++;
        else result.duplicates++;
      }
      return result;
    });
  }

  private async store(plan: IngestPlan, payload: unknown, source: string): Promise<boolean> {
    if (!(await this.repository.insertEvent(plan, payload, source))) return false;
    const ids = await this.repository.upsertDatasets(plan.datasets);
    const versions = plan.datasets.flatMap((d) => (d.schema ? [{ datasetId: ids.get(key(d))!, hash: d.schema.hash, fields: d.schema.fields }] : []));
    await this.repository.upsertDatasetVersions(versions, plan.eventTime, plan.run?.id ?? null);
    await this.repository.refreshCurrentVersions(versions.map((v) => v.datasetId));
    if (plan.job) {
      const { jobId, versionId } = await this.repository.upsertJob(plan.job, plan.eventTime);
      const io = uniqueBy(
        [
          ...plan.inputs.map((d) => ({ datasetId: ids.get(key(d))!, direction: 'input' as const })),
          ...plan.outputs.map((d) => ({ datasetId: ids.get(key(d))!, direction: 'output' as const })),
        ],
        (x) => `${x.datasetId}:${x.direction}`,
      );
      if (plan.run) {
        await this.repository.upsertRun(plan.run, jobId, versionId, plan.eventTime);
        await this.repository.insertRunIo(plan.run.id, io);
      }
      await this.repository.upsertEdges(jobId, io, plan.eventTime);
    }
    const columnEdges = uniqueBy(plan.columnEdges, (e) => [key(e.output), e.outputField, key(e.input), e.inputField].join('\u0001'));
    await this.repository.upsertColumnEdges(columnEdges, ids, plan.eventTime);
    return true;
  }
}

/** One multi-row upsert may not touch a row twice; events may name a dataset or edge twice. */
function uniqueBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [keyOf(item), item])).values()];
}
