import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AppError, ErrorCode } from '../../common/app-error';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { CardRepository, type CardStatus, type ReviewRow } from '../cards/card.repository';
import { CardService, type CardView } from '../cards/card.service';
import { actorOf } from '../registry/registry.service';
import { CardSigner } from './card-signer';

const MAX_COMMENT = 10_000;

/**
 * The review workflow: draft | changes_requested → in_review → approved | changes_requested.
 * Maker-checker: no author of any revision of the card and not the model's owner may approve.
 * Approval needs modelCard.approve in the model's domain, and as many distinct approvers of the
 * current revision as policies/model-review.yaml asks for the model's risk tier.
 */
@Injectable()
export class ReviewService {
  constructor(
    private readonly cards: CardService,
    private readonly repository: CardRepository,
    private readonly signer: CardSigner,
    private readonly audit: GovernanceAuditService,
  ) {}

  async submit(principal: Principal, versionId: string, comment?: string | null): Promise<CardView> {
    const view = await this.cards.view(principal, versionId, 'modelCard.edit', true);
    // A reviewer's objection is answered by a new revision (an edit puts the card back to draft),
    // never by resubmitting the same text for someone else to approve.
    if (view.card.status === 'changes_requested') {
      throw new AppError(
        ErrorCode.CONFLICT,
        `review rule: changes were requested on revision ${view.card.current_revision}; edit the card (a new revision) before submitting it again`,
      );
    }
    requireStatus(view, ['draft'], 'submitted for review');
    await this.trail(principal, view, 'submit', checkComment(comment));
    return this.transition(principal, view, 'in_review', 'modelCard.submit', {});
  }

  async requestChanges(principal: Principal, versionId: string, comment: string): Promise<CardView> {
    const view = await this.cards.view(principal, versionId, 'modelCard.approve', true);
    requireStatus(view, ['in_review'], 'sent back for changes');
    if (!comment.trim()) throw AppError.badInput('input.comment', 'say what must change');
    await this.trail(principal, view, 'request_changes', checkComment(comment));
    return this.transition(principal, view, 'changes_requested', 'modelCard.requestChanges', { comment });
  }

  /** A comment on the current revision, without a transition: questions and answers during review. */
  async comment(principal: Principal, versionId: string, comment: string): Promise<CardView> {
    const view = await this.cards.view(principal, versionId, 'modelCard.comment', true);
    const text = checkComment(comment);
    if (!text) throw AppError.badInput('input.comment', 'comment must not be empty');
    await this.trail(principal, view, 'comment', text);
    await this.audit.record({
      action: 'modelCard.comment',
      decision: 'allow',
      ...actorOf(principal),
      target: target(view),
      details: { ...base(view), comment: text },
    });
    return view;
  }

  async approve(principal: Principal, versionId: string, revision: number, comment?: string | null): Promise<CardView> {
    const view = await this.cards.view(principal, versionId, 'modelCard.approve', true);
    requireStatus(view, ['in_review'], 'approved');
    if (revision !== view.card.current_revision) {
      throw new AppError(
        ErrorCode.CONFLICT,
        `review rule: revision ${revision} is not the current revision (${view.card.current_revision}); read it and approve that`,
        'input.revision',
      );
    }
    if (principal.id === view.model.owner)
      throw new AppError(ErrorCode.FORBIDDEN, `maker-checker: the owner of model ${view.model.name} cannot approve its card`);
    if ((await this.cards.authors(view.card.id)).includes(principal.id)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'maker-checker: an author of a revision of this card cannot approve it');
    }
    if (view.approvals.some((a) => a.actor === principal.id)) {
      throw new AppError(ErrorCode.CONFLICT, `review rule: you have already approved revision ${revision}; another risk officer must approve`);
    }
    const signedAt = new Date();
    const approval = { cardId: view.card.id, revision, contentSha256: view.current.content_sha256, approver: principal.id, signedAt: signedAt.toISOString() };
    const { signature, keyId } = await this.signer.sign(approval);
    const row = await this.repository.insertReview({
      card_id: view.card.id,
      revision,
      action: 'approve',
      actor: principal.id,
      comment: checkComment(comment),
      signature,
      key_id: keyId,
      signed_at: signedAt,
    });
    const approvals = [...view.approvals, row];
    const done = approvals.length >= view.requiredApprovals;
    const details = { approvals: approvals.length, requiredApprovals: view.requiredApprovals, contentSha256: approval.contentSha256, signature, keyId };
    if (!done) {
      await this.audit.record({
        action: 'modelCard.approve',
        decision: 'allow',
        ...actorOf(principal),
        target: target(view),
        details: { ...base(view), ...details, statusAfter: 'in_review' },
      });
      return { ...view, approvals };
    }
    return { ...(await this.transition(principal, view, 'approved', 'modelCard.approve', details)), approvals };
  }

  /** Verifies a stored approval against the revision hash it claims to sign. */
  async signatureValid(review: ReviewRow, contentSha256: string): Promise<boolean | null> {
    if (review.action !== 'approve' || !review.signature || !review.signed_at) return null;
    return this.signer.verify(
      { cardId: review.card_id, revision: review.revision, contentSha256, approver: review.actor, signedAt: new Date(review.signed_at).toISOString() },
      review.signature,
    );
  }

  private async trail(principal: Principal, view: CardView, action: 'submit' | 'request_changes' | 'comment', comment: string | null): Promise<void> {
    await this.repository.insertReview({
      card_id: view.card.id,
      revision: view.card.current_revision,
      action,
      actor: principal.id,
      comment,
      signature: null,
      key_id: null,
      signed_at: null,
    });
  }

  private async transition(principal: Principal, view: CardView, to: CardStatus, action: string, details: Record<string, unknown>): Promise<CardView> {
    const card = await this.repository.updateCard(view.card.id, { status: to });
    await this.audit.record({
      action,
      decision: 'allow',
      ...actorOf(principal),
      target: target(view),
      details: { ...base(view), statusBefore: view.card.status, statusAfter: to, ...details },
    });
    return { ...view, card };
  }
}

const target = (v: CardView) => `model:${v.model.name}@${v.version.version}`;
const base = (v: CardView) => ({ modelVersionId: v.version.id, domain: v.model.domain, revision: v.card.current_revision });

function requireStatus(view: CardView, allowed: CardStatus[], what: string): void {
  if (!allowed.includes(view.card.status)) {
    throw new AppError(ErrorCode.CONFLICT, `review rule: a card that is ${view.card.status} cannot be ${what} (only a card that is ${allowed.join(' or ')})`);
  }
}

function checkComment(comment: string | null | undefined): string | null {
  if (comment && comment.length > MAX_COMMENT) throw AppError.badInput('input.comment', `comment must be at most ${MAX_COMMENT} characters`);
  return comment?.trim() ? comment : null;
}
