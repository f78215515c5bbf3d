import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CHARTER_CONFIG, type CharterConfig } from '../config/config';
import { TransactionHost } from './transaction-host';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [CHARTER_CONFIG],
      useFactory: (config: CharterConfig) => ({
        type: 'postgres' as const,
        url: config.databaseUrl,
        // Schema changes live in migrations/ as reviewed SQL; never let the ORM alter tables.
        synchronize: false,
        migrationsRun: false,
        entities: [],
        extra: { max: 20, application_name: 'charter' },
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [TransactionHost],
  exports: [TransactionHost],
})
export class DatabaseModule {}
