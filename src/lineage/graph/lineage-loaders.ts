import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../common/app-error';
import type { DatasetDetailsRow, JobDetailsRow } from './lineage-catalog.repository';
import { LineageCatalogService, type RunView } from './lineage-catalog.service';

export interface DetailsKey {
  id: string;
  asOf: Date | null;
}

export interface RequestLoaders {
  dataset: DataLoader<DetailsKey, DatasetDetailsRow | null, string>;
  job: DataLoader<DetailsKey, JobDetailsRow | null, string>;
  latestRun: DataLoader<string, RunView | null>;
}

const detailsKey = (k: DetailsKey) => `${k.id}|${k.asOf?.toISOString() ?? ''}`;

/**
 * Per-request DataLoaders, so the details of a 1,000-node lineage answer cost one query per kind
 * rather than one per node. Kept per request object (a WeakMap), not in a request-scoped
 * provider, which would make every resolver request-scoped.
 */
@Injectable()
export class LineageLoaders {
  private readonly byRequest = new WeakMap<FastifyRequest, RequestLoaders>();

  constructor(private readonly catalog: LineageCatalogService) {}

  for(request: FastifyRequest): RequestLoaders {
    let loaders = this.byRequest.get(request);
    if (!loaders) this.byRequest.set(request, (loaders = this.create(request)));
    return loaders;
  }

  private create(request: FastifyRequest): RequestLoaders {
    return {
      dataset: new DataLoader((keys: readonly DetailsKey[]) => batchByAsOf(keys, (ids, asOf) => this.catalog.datasetDetails(ids, asOf)), {
        cacheKeyFn: detailsKey,
      }),
      job: new DataLoader((keys: readonly DetailsKey[]) => batchByAsOf(keys, (ids, asOf) => this.catalog.jobDetails(ids, asOf)), { cacheKeyFn: detailsKey }),
      latestRun: new DataLoader(async (jobIds: readonly string[]) => {
        if (!request.principal) throw new AppError(ErrorCode.UNAUTHENTICATED, 'not signed in');
        const runs = await this.catalog.latestRuns(request.principal, [...jobIds]);
        return jobIds.map((id) => runs.get(id) ?? null);
      }),
    };
  }
}

/** One query per distinct asOf among the keys (an answer has one). */
async function batchByAsOf<R extends { id: string }>(
  keys: readonly DetailsKey[],
  fetch: (ids: string[], asOf: Date | null) => Promise<R[]>,
): Promise<(R | null)[]> {
  const groups = new Map<string, DetailsKey[]>();
  for (const k of keys) {
    const g = k.asOf?.toISOString() ?? '';
    groups.set(g, [...(groups.get(g) ?? []), k]);
  }
  const found = new Map<string, R>();
  for (const group of groups.values()) {
    for (const row of await fetch([...new Set(group.map((k) => k.id))], group[0]!.asOf)) found.set(detailsKey({ id: row.id, asOf: group[0]!.asOf }), row);
  }
  return keys.map((k) => found.get(detailsKey(k)) ?? null);
}
