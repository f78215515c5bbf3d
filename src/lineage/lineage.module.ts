import { Module } from '@nestjs/common';
import { LineageGraphModule } from './graph/lineage-graph.module';
import { LineageIngestController } from './ingest/lineage-ingest.controller';
import { LineageIngestRepository } from './ingest/lineage-ingest.repository';
import { LineageIngestService } from './ingest/lineage-ingest.service';

@Module({
  imports: [LineageGraphModule],
  controllers: [LineageIngestController],
  providers: [LineageIngestRepository, LineageIngestService],
})
export class LineageModule {}
