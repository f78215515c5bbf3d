import { Module } from '@nestjs/common';
import { PeopleModule } from '../../auth/people.module';
import { AuthzModule } from '../../authz/authz.module';
import { DatasetResolver } from './dataset.resolver';
import { JobResolver } from './job.resolver';
import { LineageCatalogRepository } from './lineage-catalog.repository';
import { LineageCatalogService } from './lineage-catalog.service';
import { LineageGraphRepository } from './lineage-graph.repository';
import { LineageGraphService } from './lineage-graph.service';
import { LineageLoaders } from './lineage-loaders';
import { LineageResolver } from './lineage.resolver';
import { MarquezLineageController } from './marquez-lineage.controller';
import { RunResolver } from './run.resolver';

/** The read side of lineage (traversal, impact, catalog) and curation of tags, owners and domains. */
@Module({
  imports: [PeopleModule, AuthzModule],
  controllers: [MarquezLineageController],
  providers: [
    LineageGraphRepository,
    LineageCatalogRepository,
    LineageGraphService,
    LineageCatalogService,
    LineageLoaders,
    LineageResolver,
    DatasetResolver,
    JobResolver,
    RunResolver,
  ],
  exports: [LineageGraphService, LineageCatalogService],
})
export class LineageGraphModule {}
