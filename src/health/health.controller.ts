import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../authz/requires.decorator';
import { readMigrationFiles } from '../database/migrations';

@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('live')
  @Public('liveness probe')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when the database answers and every migration in migrations/ is applied. */
  @Get('ready')
  @Public('readiness probe')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string; database: string; pendingMigrations: string[] }> {
    try {
      const rows = await this.dataSource.query<{ version: string }[]>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      const pending = (await readMigrationFiles()).filter((m) => !applied.has(m.version)).map((m) => `${m.version}_${m.name}`);
      if (pending.length > 0) reply.status(503);
      return { status: pending.length ? 'migrations pending' : 'ok', database: 'up', pendingMigrations: pending };
    } catch (error) {
      reply.status(503);
      return { status: 'database unreachable', database: (error as Error).message, pendingMigrations: [] };
    }
  }
}
