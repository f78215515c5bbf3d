import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { requireUuid } from '../../common/app-error';
import { PiiDetectorPrecisionType, PiiReachType, PiiVerdictType, TextSpanType } from './dto/pii-review.type';
import { PiiDatasetArgs, PiiReachArgs, PiiScanArgs, PiiScansArgs, ScanTextArgs, SetPiiVerdictInput } from './dto/pii.args';
import { PiiScanConnection, PiiScanType } from './dto/pii-scan.type';
import { toPiiScan, toPiiVerdict, toPrecision, toTextSpan } from './pii.mapper';
import { PiiReviewService } from './pii-review.service';
import { PiiScanService } from './pii-scan.service';
import { AppError } from '../../common/app-error';

@Resolver()
export class PiiResolver {
  constructor(
    private readonly scans: PiiScanService,
    private readonly review: PiiReviewService,
  ) {}

  @Query(() => PiiScanType, { description: 'One PII scan: poll it until status is succeeded or failed' })
  @Requires('pii.read')
  async piiScan(@CurrentPrincipal() principal: Principal, @Args() args: PiiScanArgs): Promise<PiiScanType> {
    return toPiiScan(await this.scans.find(principal, requireUuid('id', args.id)));
  }

  @Query(() => PiiScanConnection, { description: "A dataset's PII scans, newest first" })
  @Requires('pii.read')
  async piiScans(@CurrentPrincipal() principal: Principal, @Args() args: PiiScansArgs): Promise<PiiScanConnection> {
    const page = await this.scans.list(principal, args.namespace, args.name, args.first, args.after);
    return { nodes: page.rows.map(toPiiScan), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }

  @Mutation(() => PiiVerdictType, { description: 'Confirm or reject a finding; applied to the tags at every later scan' })
  @Requires('pii.review')
  async setPiiVerdict(@CurrentPrincipal() principal: Principal, @Args('input') input: SetPiiVerdictInput): Promise<PiiVerdictType> {
    const { row, dataset } = await this.review.setVerdict(principal, input);
    return toPiiVerdict(row, dataset);
  }

  @Query(() => [PiiVerdictType])
  @Requires('pii.read')
  async piiVerdicts(@CurrentPrincipal() principal: Principal, @Args() args: PiiDatasetArgs): Promise<PiiVerdictType[]> {
    const { rows, dataset } = await this.review.verdicts(principal, args.namespace, args.name);
    return rows.map((r) => toPiiVerdict(r, dataset));
  }

  @Query(() => [PiiDetectorPrecisionType], { description: 'Per entity type, confirmed / (confirmed + rejected) over all reviewer verdicts' })
  @Requires('pii.read')
  async piiDetectorPrecision(): Promise<PiiDetectorPrecisionType[]> {
    return (await this.review.precision()).map(toPrecision);
  }

  @Query(() => [TextSpanType], { description: 'Personal data (and non-personal entities) found in free text' })
  @Requires('pii.read')
  scanText(@Args() args: ScanTextArgs): TextSpanType[] {
    return this.review.text(args.text).map(toTextSpan);
  }

  @Query(() => [PiiReachType], { description: 'Personal-data columns (PII:<TYPE> tags) that reach a dataset through unmasked column lineage' })
  @Requires('pii.read')
  async piiReach(@CurrentPrincipal() principal: Principal, @Args() args: PiiReachArgs): Promise<PiiReachType[]> {
    if (!args.nodeId === !args.modelVersionId) throw AppError.badInput('nodeId', 'give exactly one of nodeId and modelVersionId');
    return args.modelVersionId ? this.review.reachForModelVersion(principal, args.modelVersionId) : this.review.reach(principal, args.nodeId!);
  }
}
