import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Requires } from '../authz/requires.decorator';
import { validatePageSize } from '../common/graphql/pagination';
import { BiasService, type BiasInput, type PredictionRecordsQuery } from './bias/bias.service';
import type { CardView } from './cards/card.service';
import { CardService } from './cards/card.service';
import { BiasReportConnection, BiasReportType } from './dto/bias-report.type';
import { CardFieldChangeType, CardRevisionType, ModelCardType, ProductionGateCheckType, SigningKeyType } from './dto/model-card.type';
import {
  ApproveModelCardInput,
  type BiasFromPredictionsInput,
  BiasReportsArgs,
  ComputeBiasReportInput,
  DiffArgs,
  ExportModelCardArgs,
  ImportModelCardInput,
  ModelVersionArgs,
  RequestChangesInput,
  ReviewInput,
  RevisionArgs,
  UpdateModelCardInput,
} from './dto/model.inputs';
import { toBiasReport, toCard, toChange, toException, toReview, toRevision } from './model-cards.mapper';
import { PromotionService } from './promotion/promotion.service';
import { CardSigner } from './review/card-signer';
import { ReviewService } from './review/review.service';
import { AppError, requireValidDate } from '../common/app-error';

@Resolver(() => ModelCardType)
export class ModelCardResolver {
  constructor(
    private readonly cards: CardService,
    private readonly review: ReviewService,
    private readonly bias: BiasService,
    private readonly promotion: PromotionService,
    private readonly signer: CardSigner,
  ) {}

  @Query(() => ModelCardType, { description: "A version's model card: current content, revisions, review trail, approvals and exceptions" })
  @Requires('model.read')
  async modelCard(@CurrentPrincipal() principal: Principal, @Args() args: ModelVersionArgs): Promise<ModelCardType> {
    return this.card(await this.cards.view(principal, args.id));
  }

  // Field resolvers run after modelCard's guard; the service checks model.read in the model's domain again.
  @ResolveField(() => CardRevisionType, { description: 'One revision with its content' })
  async revision(@CurrentPrincipal() principal: Principal, @Parent() card: ModelCardType, @Args() args: RevisionArgs): Promise<CardRevisionType> {
    return toRevision(await this.cards.revision(principal, card.modelVersionId, args.number));
  }

  @ResolveField(() => [CardFieldChangeType], { description: 'Field-level changes from one revision to another, as JSON pointers' })
  async diff(@CurrentPrincipal() principal: Principal, @Parent() card: ModelCardType, @Args() args: DiffArgs): Promise<CardFieldChangeType[]> {
    return (await this.cards.diff(principal, card.modelVersionId, args.from, args.to)).map(toChange);
  }

  @ResolveField(() => ProductionGateCheckType, {
    description:
      'The production gate of policies/promotion-gates.yaml evaluated now, with the live exceptions that waive failures. ' +
      'For a version in production, passes = false means it no longer meets the gate (e.g. its exception expired); it stays in production until someone moves it.',
  })
  async productionGate(@CurrentPrincipal() principal: Principal, @Parent() card: ModelCardType): Promise<ProductionGateCheckType> {
    const check = await this.promotion.gateCheck(principal, card.modelVersionId);
    return {
      checkedAt: check.checkedAt,
      passes: check.failures.every((f) => f.waivedBy !== null),
      failures: check.failures.map((f) => ({ condition: f.condition, message: f.message, waivedBy: f.waivedBy ? toException(f.waivedBy) : null })),
    };
  }

  @Query(() => String, { description: 'The card as Model Card Toolkit JSON or a Hugging Face README.md' })
  @Requires('model.read')
  async exportModelCard(@CurrentPrincipal() principal: Principal, @Args() args: ExportModelCardArgs): Promise<string> {
    return this.cards.exportCard(principal, args.modelVersionId, args.format, args.revision);
  }

  @Query(() => SigningKeyType, { description: 'The public key that verifies approval signatures' })
  @Requires('model.read')
  modelCardSigningKey(): Promise<SigningKeyType> {
    return this.signer.publicKey();
  }

  @Mutation(() => ModelCardType, {
    description: 'Replaces the card content with a new revision (validated against the Model Card Toolkit schema); back to draft; audited',
  })
  @Requires('modelCard.edit')
  async updateModelCard(@CurrentPrincipal() principal: Principal, @Args('input') input: UpdateModelCardInput): Promise<ModelCardType> {
    return this.card(await this.cards.update(principal, input.modelVersionId, input.content));
  }

  @Mutation(() => ModelCardType, { description: 'A new revision from a Model Card Toolkit JSON document or a Hugging Face README.md; audited' })
  @Requires('modelCard.edit')
  async importModelCard(@CurrentPrincipal() principal: Principal, @Args('input') input: ImportModelCardInput): Promise<ModelCardType> {
    return this.card(await this.cards.importCard(principal, input.modelVersionId, input.format, input.document));
  }

  @Mutation(() => ModelCardType, { description: 'draft | changes_requested → in_review; audited' })
  @Requires('modelCard.edit')
  async submitModelCardForReview(@CurrentPrincipal() principal: Principal, @Args('input') input: ReviewInput): Promise<ModelCardType> {
    return this.card(await this.review.submit(principal, input.modelVersionId, input.comment));
  }

  @Mutation(() => ModelCardType, { description: "Signs the current revision's hash; approved once the risk tier's approver count is reached; audited" })
  @Requires('modelCard.approve')
  async approveModelCard(@CurrentPrincipal() principal: Principal, @Args('input') input: ApproveModelCardInput): Promise<ModelCardType> {
    return this.card(await this.review.approve(principal, input.modelVersionId, input.revision, input.comment));
  }

  @Mutation(() => ModelCardType, { description: 'in_review → changes_requested, with what must change; audited' })
  @Requires('modelCard.approve')
  async requestModelCardChanges(@CurrentPrincipal() principal: Principal, @Args('input') input: RequestChangesInput): Promise<ModelCardType> {
    return this.card(await this.review.requestChanges(principal, input.modelVersionId, input.comment));
  }

  @Mutation(() => ModelCardType, { description: 'A comment on the current revision, kept in the review trail; audited' })
  @Requires('modelCard.comment')
  async commentOnModelCard(@CurrentPrincipal() principal: Principal, @Args('input') input: RequestChangesInput): Promise<ModelCardType> {
    return this.card(await this.review.comment(principal, input.modelVersionId, input.comment));
  }

  @Mutation(() => BiasReportType, {
    description: 'Computes and stores a bias report from per-group results or per-record samples, attached to the current card revision; audited',
  })
  @Requires('modelBias.compute')
  async computeBiasReport(@CurrentPrincipal() principal: Principal, @Args('input') input: ComputeBiasReportInput): Promise<BiasReportType> {
    if ((input.groupResults ? 1 : 0) + (input.samples ? 1 : 0) + (input.fromPredictions ? 1 : 0) !== 1) {
      throw AppError.badInput('input', 'give exactly one of groupResults, samples and fromPredictions');
    }
    const source: BiasInput = input.groupResults
      ? { source: 'group_results', groupResults: input.groupResults }
      : input.samples
        ? { source: 'samples', samples: input.samples }
        : { source: 'prediction_records', records: fromPredictions(input.fromPredictions!), positiveLabel: input.fromPredictions!.positiveLabel ?? undefined };
    const { row, tier } = await this.bias.compute(principal, input.modelVersionId, input.protectedAttribute, source);
    return toBiasReport(row, this.bias.violations(row, tier), await this.promotion.exceptionsOf(row.model_version_id));
  }

  @Query(() => BiasReportConnection, { description: "A version's bias reports, newest first" })
  @Requires('model.read')
  async biasReports(@CurrentPrincipal() principal: Principal, @Args() args: BiasReportsArgs): Promise<BiasReportConnection> {
    const page = await this.bias.list(principal, args.modelVersionId, validatePageSize(args.first), args.after);
    const exceptions = await this.promotion.exceptionsOf(args.modelVersionId);
    return {
      nodes: page.rows.map((r) => toBiasReport(r, this.bias.violations(r, page.tier), exceptions)),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  private async card(view: CardView): Promise<ModelCardType> {
    const [revisions, reviews, exceptions] = await Promise.all([
      this.cards.revisions(view.card.id),
      this.cards.reviews(view.card.id),
      this.promotion.exceptionsOf(view.version.id),
    ]);
    const hashes = await this.cards.recomputedHashes(
      view.card.id,
      reviews.filter((r) => r.action === 'approve').map((r) => r.revision),
    );
    const trail = await Promise.all(reviews.map(async (r) => toReview(r, await this.review.signatureValid(r, hashes.get(r.revision) ?? ''))));
    return toCard(view, revisions, trail, exceptions);
  }
}

function fromPredictions(input: BiasFromPredictionsInput): PredictionRecordsQuery {
  const from = input.from ? requireValidDate('input.fromPredictions.from', input.from) : null;
  const to = input.to ? requireValidDate('input.fromPredictions.to', input.to) : null;
  if (from && to && from >= to) throw AppError.badInput('input.fromPredictions.to', 'to must be after from');
  return { protectedAttributePath: input.protectedAttributePath, outcomePath: input.outcomePath, from, to };
}
