import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AppError, ErrorCode } from '../../common/app-error';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { MODEL_POLICIES } from '../model-policies.provider';
import type { ModelPolicies } from '../model-policies';
import type { ModelRow, VersionRow } from '../registry/registry.repository';
import { RegistryService, actorOf } from '../registry/registry.service';
import { CardRepository, type CardRow, type ReviewRow, type RevisionRow, type RevisionSource } from './card.repository';
import { contentSha256, diffContent, type CardContent, type FieldChange } from './card-content';
import { HuggingFaceCardError, exportHuggingFace, importHuggingFace } from './hugging-face';
import { ModelCardSchema } from './mct-schema';

export type CardFormat = 'mct' | 'hugging_face';

/** Cards and documents are small; this bounds what one edit or import may carry. */
export const MAX_CARD_BYTES = 2 * 1024 * 1024;

export interface CardView {
  card: CardRow;
  model: ModelRow;
  version: VersionRow;
  current: RevisionRow;
  approvals: ReviewRow[];
  requiredApprovals: number;
}

/** Card content, revisions, diffs, and import/export in the two formats. */
@Injectable()
export class CardService {
  private readonly schema = new ModelCardSchema();

  constructor(
    private readonly repository: CardRepository,
    private readonly registry: RegistryService,
    private readonly audit: GovernanceAuditService,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
  ) {}

  requiredApprovals(model: ModelRow): number {
    return this.policies.approvers[model.risk_tier];
  }

  /** The card of a version with its current revision; `lock` for changes. */
  async view(principal: Principal, versionId: string, permission: Parameters<RegistryService['version']>[2] = 'model.read', lock = false): Promise<CardView> {
    const { version, model } = await this.registry.version(principal, versionId, permission, lock);
    const card = (await this.repository.findCard(version.id, lock))!;
    const current = (await this.repository.findRevision(card.id, card.current_revision))!;
    const approvals = await this.repository.approvals(card.id, card.current_revision);
    return { card, model, version, current, approvals, requiredApprovals: this.requiredApprovals(model) };
  }

  async revision(principal: Principal, versionId: string, revision: number): Promise<RevisionRow> {
    const { card } = await this.view(principal, versionId);
    const row = await this.repository.findRevision(card.id, revision);
    if (!row) throw AppError.notFound(`revision ${revision}`);
    return row;
  }

  revisions(cardId: string) {
    return this.repository.revisions(cardId);
  }

  /**
   * SHA-256 of each revision's content as stored now, recomputed rather than read from the row: an
   * approval's signature must fail if the content was changed behind the service's back.
   */
  async recomputedHashes(cardId: string, revisions: number[]): Promise<Map<number, string>> {
    const rows = await Promise.all([...new Set(revisions)].map((r) => this.repository.findRevision(cardId, r)));
    return new Map(rows.filter((r) => r !== null).map((r) => [r.revision, contentSha256(r.content)]));
  }

  /** Everyone who wrote a revision of the card: makers, who may not also check it. */
  authors(cardId: string): Promise<string[]> {
    return this.repository.authors(cardId);
  }

  reviews(cardId: string) {
    return this.repository.reviews(cardId);
  }

  async diff(principal: Principal, versionId: string, from: number, to: number): Promise<FieldChange[]> {
    const { card } = await this.view(principal, versionId);
    const [a, b] = await Promise.all([this.repository.findRevision(card.id, from), this.repository.findRevision(card.id, to)]);
    if (!a) throw AppError.badInput('from', `the card has no revision ${from}`);
    if (!b) throw AppError.badInput('to', `the card has no revision ${to}`);
    return diffContent(a.content, b.content);
  }

  /** Validates and stores a new revision; any change of an approved or reviewed card sends it back to draft. */
  async update(principal: Principal, versionId: string, content: unknown, source: RevisionSource = 'edit', field = 'input.content'): Promise<CardView> {
    if (JSON.stringify(content ?? null).length > MAX_CARD_BYTES) throw AppError.badInput(field, `a card must be at most ${MAX_CARD_BYTES} bytes`);
    const problem = this.schema.validate(content);
    if (problem) {
      throw new AppError(
        ErrorCode.BAD_USER_INPUT,
        `model card ${problem.pointer || '/'} ${problem.message} (schema rule ${problem.rule})`,
        `${field}${problem.pointer}`,
        {
          pointer: problem.pointer,
          rule: problem.rule,
        },
      );
    }
    const view = await this.view(principal, versionId, 'modelCard.edit', true);
    const card = content as CardContent;
    const sha256 = contentSha256(card);
    if (sha256 === view.current.content_sha256) return view;
    const revision = view.card.current_revision + 1;
    const current = await this.repository.insertRevision({
      card_id: view.card.id,
      revision,
      content: card,
      content_sha256: sha256,
      author: principal.id,
      source,
    });
    const updated = await this.repository.updateCard(view.card.id, { status: 'draft', currentRevision: revision });
    await this.audit.record({
      action: source === 'edit' ? 'modelCard.update' : 'modelCard.import',
      decision: 'allow',
      ...actorOf(principal),
      target: `model:${view.model.name}@${view.version.version}`,
      details: {
        modelVersionId: view.version.id,
        source,
        revision,
        contentSha256: sha256,
        statusBefore: view.card.status,
        statusAfter: 'draft',
        changedPaths: diffContent(view.current.content, card).map((c) => c.path),
      },
    });
    return { ...view, card: updated, current, approvals: [] };
  }

  async importCard(principal: Principal, versionId: string, format: CardFormat, document: string): Promise<CardView> {
    if (document.length > MAX_CARD_BYTES) throw AppError.badInput('input.document', `a document must be at most ${MAX_CARD_BYTES} bytes`);
    let content: unknown;
    if (format === 'mct') {
      try {
        content = JSON.parse(document);
      } catch (error) {
        throw AppError.badInput('input.document', `not valid JSON: ${(error as Error).message}`);
      }
    } else {
      const { model } = await this.registry.version(principal, versionId);
      try {
        content = importHuggingFace(document, model.name);
      } catch (error) {
        if (!(error instanceof HuggingFaceCardError)) throw error;
        const p = error.problem;
        throw new AppError(
          ErrorCode.BAD_USER_INPUT,
          `Hugging Face card front matter ${p.pointer || '/'}: ${p.message} (rule ${p.rule})`,
          `input.document${p.pointer}`,
        );
      }
    }
    return this.update(principal, versionId, content, format === 'mct' ? 'import_mct' : 'import_hugging_face', 'input.document');
  }

  async exportCard(principal: Principal, versionId: string, format: CardFormat, revision?: number | null): Promise<string> {
    const row = revision ? await this.revision(principal, versionId, revision) : (await this.view(principal, versionId)).current;
    return format === 'mct' ? `${JSON.stringify(row.content, null, 2)}\n` : exportHuggingFace(row.content);
  }
}
