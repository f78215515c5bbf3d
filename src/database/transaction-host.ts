import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { requestContext } from '../common/request-context';

/**
 * Gives repositories the entity manager of the transaction open for the current request, if any,
 * so a mutation and its audit row commit or roll back together (Vendure's TransactionalConnection).
 */
@Injectable()
export class TransactionHost {
  /** Per open transaction, the last query issued on its connection (see `query`). */
  private readonly lastQuery = new WeakMap<EntityManager, Promise<unknown>>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs SQL on the current transaction (or the pool) and returns its rows. TypeORM answers
   * UPDATE/DELETE ... RETURNING with `[rows, affectedCount]`; this always gives the rows.
   *
   * Services share reads between queries (pool: concurrent connections) and mutations (one
   * transaction: one connection), and await several queries at once. A pg client must not be
   * given a query while it runs another (deprecated, an error from pg 9), so inside a transaction
   * each query waits for the one before: the order and result pg gives today, made explicit.
   */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const manager = requestContext.getStore()?.manager;
    const result: unknown = manager ? await this.inTurn(manager, () => manager.query(sql, params)) : await this.dataSource.manager.query(sql, params);
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

  private inTurn<T>(manager: EntityManager, query: () => Promise<T>): Promise<T> {
    const turn = (this.lastQuery.get(manager) ?? Promise.resolve()).then(query);
    // A failed query does not stop the next one: that one gets PostgreSQL's own answer (usually "transaction is aborted").
    this.lastQuery.set(
      manager,
      turn.catch(() => undefined),
    );
    return turn;
  }
}
