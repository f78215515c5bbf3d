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

  /** Runs `fn` in a transaction; nested calls join the outer one. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const store = requestContext.getStore();
    if (store?.manager) return fn();
    return this.dataSource.transaction((manager) =>
      requestContext.run({ ...store, requestId: store?.requestId ?? 'internal', manager }, fn),
    );
  }

  /** Runs `fn` outside any open transaction, e.g. to record a denial that must survive a rollback. */
  outside<T>(fn: () => Promise<T>): Promise<T> {
    const store = requestContext.getStore();
    return requestContext.run({ requestId: store?.requestId ?? 'internal' }, fn);
  }
}
