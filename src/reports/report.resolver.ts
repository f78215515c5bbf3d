import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Requires } from '../authz/requires.decorator';
import { requireUuid } from '../common/app-error';
import { GenerateReportInput, ReportArgs, ReportsArgs, VerifyReportArgs } from './dto/report.args';
import { ReportConnection, ReportDownloadType, ReportType, ReportVerificationType } from './dto/report.type';
import { toDownload, toReport } from './report.mapper';
import type { DownloadRow } from './report.repository';
import { ReportService } from './report.service';
import { ReportVerificationService } from './report-verification.service';

@Resolver(() => ReportType)
export class ReportResolver {
  // Per request (WeakMap on the request), so a page of reports costs one downloads query.
  private readonly loaders = new WeakMap<FastifyRequest, DataLoader<string, DownloadRow[]>>();

  constructor(
    private readonly service: ReportService,
    private readonly verification: ReportVerificationService,
  ) {}

  @Mutation(() => ReportType, { description: 'Queues a compliance pack and returns its job at once; poll report(id) for progress' })
  @Requires('report.generate')
  async generateReport(@CurrentPrincipal() principal: Principal, @Args('input') input: GenerateReportInput): Promise<ReportType> {
    return toReport(await this.service.generate(principal, input));
  }

  @Query(() => ReportType, { description: 'A report job: progress while it runs, files and pack hash once done' })
  @Requires('report.read')
  async report(@CurrentPrincipal() principal: Principal, @Args() args: ReportArgs): Promise<ReportType> {
    return toReport(await this.service.find(principal, requireUuid('id', args.id)));
  }

  @Query(() => ReportConnection, { description: 'Reports newest first, in the domains where the caller may read them' })
  @Requires('report.read')
  async reports(@CurrentPrincipal() principal: Principal, @Args() args: ReportsArgs): Promise<ReportConnection> {
    const page = await this.service.list(principal, args);
    return { nodes: page.rows.map(toReport), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }

  @Query(() => ReportVerificationType, { description: 'Whether a file (or a stored report) is a pack this Charter produced, unchanged' })
  @Requires('report.verify')
  async verifyReport(@CurrentPrincipal() principal: Principal, @Args() args: VerifyReportArgs): Promise<ReportVerificationType> {
    return this.verification.verify(principal, args);
  }

  @ResolveField(() => [ReportDownloadType], { description: 'Who downloaded the pack files, newest first' })
  async downloads(@Parent() report: ReportType, @Context('req') request: FastifyRequest): Promise<ReportDownloadType[]> {
    let loader = this.loaders.get(request);
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const rows = await this.service.downloads([...ids]);
        return ids.map((id) => rows.filter((r) => r.report_id === id));
      });
      this.loaders.set(request, loader);
    }
    return (await loader.load(report.id)).map(toDownload);
  }
}
