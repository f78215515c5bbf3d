import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { requestContext } from '../common/request-context';

/**
 * Gives repositories the entity manager of the transaction open for the current request, if any,
 * so a mutation and its audit row commit or roll back together (Vendure's TransactionalConnection).
 */
@Injectable()
export class TransactionHost {
  constructor(private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return requestContext.getStore()?.manager ?? this.dataSource.manager;
  }

  /**
   * Runs SQL on the current transaction (or the pool) and returns its rows. TypeORM answers
   * UPDATE/DELETE ... RETURNING with `[rows, affectedCount]`; this always gives the rows.
   */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result: unknown = await this.manager.query(sql, params);
    if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
      return result[0] as T[];
    }
    return result as T[];
  }

  /** Runs `fn` in a transaction; nested calls join the outer one. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const store = requestContext.getStore();
    if (store?.manager) return fn();
    return this.dataSource.transaction((manager) => requestContext.run({ ...store, requestId: store?.requestId ?? 'internal', manager }, fn));
  }

  /** Runs `fn` outside any open transaction, e.g. to record a denial that must survive a rollback. */
  outside<T>(fn: () => Promise<T>): Promise<T> {
    const store = requestContext.getStore();
    return requestContext.run({ requestId: store?.requestId ?? 'internal' }, fn);
  }
}
