import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AuthorizationService } from '../../authz/authorization.service';
import { AppError, ErrorCode, requireUuid } from '../../common/app-error';
import { decodeCursor, encodeCursor } from '../../common/graphql/pagination';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { parseNodeId } from '../../lineage/graph/node-id';
import { PredictionSettingsService } from '../../predictions/settings/prediction-settings.service';
import { CardRepository } from '../cards/card.repository';
import { contentSha256, type CardContent } from '../cards/card-content';
import type { RiskTier } from '../model-policies';
import type { Stage } from '../promotion/promotion-gate';
import { RegistryRepository, type ModelFilter, type ModelRow, type StageChangeRow, type VersionDatasetRow, type VersionRow } from './registry.repository';

export interface VersionDetails {
  version: VersionRow;
  modelName: string;
  cardStatus: string;
  cardRevision: number;
  datasets: VersionDatasetRow[];
  history: StageChangeRow[];
}

export type ModelPermission =
  'model.read' | 'model.register' | 'model.promote' | 'model.except' | 'modelCard.edit' | 'modelCard.approve' | 'modelCard.comment' | 'modelBias.compute';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const DOMAIN = /^[^\s,]{1,128}$/;
const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}|md5:[0-9a-f]{32})$/;

export interface ModelPage {
  rows: ModelRow[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export const actorOf = (p: Principal) => ({ actorId: p.id, actorLabel: principalLabel(p) });

/** Models and versions, and the object-level access check every model operation goes through. */
@Injectable()
export class RegistryService {
  constructor(
    private readonly registry: RegistryRepository,
    private readonly cards: CardRepository,
    private readonly authorization: AuthorizationService,
    private readonly audit: GovernanceAuditService,
    private readonly predictionSettings: PredictionSettingsService,
  ) {}

  /**
   * The model, if the caller may read models of its domain (NOT_FOUND otherwise, hiding its
   * existence), and FORBIDDEN when `permission` is not granted in that domain.
   */
  requireAccess(principal: Principal, model: ModelRow | null, what: string, permission: ModelPermission = 'model.read'): ModelRow {
    if (!model || !this.authorization.check(principal, 'model.read', model.domain).allowed) throw AppError.notFound(what);
    if (permission !== 'model.read' && !this.authorization.check(principal, permission, model.domain).allowed) {
      throw new AppError(ErrorCode.FORBIDDEN, `${permission} is not granted in domain ${model.domain}`);
    }
    return model;
  }

  async model(principal: Principal, name: string): Promise<ModelRow> {
    return this.requireAccess(principal, await this.registry.findModel({ name }), `model ${name}`);
  }

  /** A version and its model, with `permission` checked in the model's domain; `lock` takes the version row. */
  async version(principal: Principal, id: string, permission: ModelPermission = 'model.read', lock = false): Promise<{ version: VersionRow; model: ModelRow }> {
    const version = await this.registry.findVersion(requireUuid('modelVersionId', id), lock);
    const model = version ? await this.registry.findModel({ id: version.model_id }) : null;
    return { version: version!, model: this.requireAccess(principal, model, `model version ${id}`, permission) };
  }

  async list(principal: Principal, q: Omit<ModelFilter, 'domains' | 'afterName'> & { first: number; after?: string | null }): Promise<ModelPage> {
    const domains = (await this.registry.domains()).filter((d) => this.authorization.check(principal, 'model.read', d).allowed);
    const owner = q.owner ? ((await this.registry.findPrincipal(q.owner)) ?? '00000000-0000-0000-0000-000000000000') : null;
    const rows = await this.registry.listModels({ ...q, owner, domains, afterName: q.after ? decodeCursor(q.after) : null }, q.first + 1);
    const page = rows.slice(0, q.first);
    return { rows: page, hasNextPage: rows.length > q.first, endCursor: page.length ? encodeCursor(page.at(-1)!.name) : null };
  }

  /** Models with their versions, each version with datasets, card status and stage history: five queries per page. */
  async withVersions(models: ModelRow[]): Promise<{ model: ModelRow; versions: VersionDetails[] }[]> {
    const versions = await this.registry.versionsOf(models.map((m) => m.id));
    const details = await this.details(versions, models);
    return models.map((model) => ({ model, versions: details.filter((d) => d.version.model_id === model.id) }));
  }

  async details(versions: VersionRow[], models: ModelRow[]): Promise<VersionDetails[]> {
    const ids = versions.map((v) => v.id);
    const [datasets, cards, history] = ids.length
      ? await Promise.all([this.registry.datasetsOf(ids), this.registry.cardsOf(ids), this.registry.stageHistory(ids)])
      : [[], [], []];
    return versions.map((version) => {
      const card = cards.find((c) => c.model_version_id === version.id)!;
      return {
        version,
        modelName: models.find((m) => m.id === version.model_id)!.name,
        cardStatus: card.status,
        cardRevision: card.current_revision,
        datasets: datasets.filter((d) => d.model_version_id === version.id),
        history: history.filter((h) => h.model_version_id === version.id),
      };
    });
  }

  /** For each dataset, the versions trained or evaluated on it whose model the caller may read. */
  async versionsOnDatasets(principal: Principal, datasets: readonly { namespace: string; name: string }[]): Promise<VersionDetails[][]> {
    const rows = await this.registry.versionsOnDatasets([...datasets]);
    const models = await this.registry.modelsById([...new Set(rows.map((r) => r.model_id))]);
    const readable = models.filter((m) => this.authorization.check(principal, 'model.read', m.domain).allowed);
    const visible = rows.filter((r) => readable.some((m) => m.id === r.model_id));
    const details = await this.details(visible, readable);
    return datasets.map((d) => details.filter((_, i) => visible[i]!.namespace === d.namespace && visible[i]!.name === d.name));
  }

  async createModel(
    principal: Principal,
    input: { name: string; domain: string; riskTier: RiskTier; owner?: string | null; description?: string | null },
  ): Promise<ModelRow> {
    if (!NAME.test(input.name)) throw AppError.badInput('input.name', 'name must be 1..128 letters, digits, ".", "_" or "-", starting with a letter or digit');
    if (!DOMAIN.test(input.domain)) throw AppError.badInput('input.domain', 'domain must be 1..128 characters without spaces or commas');
    if ((input.description?.length ?? 0) > 10_000) throw AppError.badInput('input.description', 'description must be at most 10000 characters');
    let owner = principal.id;
    if (input.owner) {
      const found = await this.registry.findPrincipal(input.owner);
      if (!found) throw AppError.badInput('input.owner', `no principal ${input.owner} has signed in to Charter`);
      owner = found;
    } else if (principal.kind !== 'user') throw AppError.badInput('input.owner', 'a service must name the owner');
    const row = await this.registry.insertModel({
      name: input.name,
      domain: input.domain,
      owner,
      risk_tier: input.riskTier,
      description: input.description ?? null,
      created_by: principal.id,
    });
    if (!row) throw new AppError(ErrorCode.CONFLICT, `a model named ${input.name} already exists`, 'input.name');
    await this.audit.record({
      action: 'model.create',
      decision: 'allow',
      ...actorOf(principal),
      target: `model:${row.name}`,
      details: { domain: row.domain, riskTier: row.risk_tier, owner: row.owner },
    });
    // The registry's name is the serving name its prediction records carry.
    await this.predictionSettings.registerModel(principal, row.name);
    return row;
  }

  /** Registers a version in development, with its first card revision drawn from the registry. */
  async registerVersion(
    principal: Principal,
    input: {
      modelName: string;
      version: string;
      artifactUri: string;
      artifactDigest: string;
      framework?: string | null;
      trainingRunId?: string | null;
      datasets: { nodeId: string; role: 'training' | 'evaluation' }[];
    },
  ): Promise<{ version: VersionRow; model: ModelRow }> {
    const model = this.requireAccess(principal, await this.registry.findModel({ name: input.modelName }, true), `model ${input.modelName}`, 'model.register');
    if (!/^\S{1,64}$/.test(input.version)) throw AppError.badInput('input.version', 'version must be 1..64 characters without spaces');
    if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(input.artifactUri) || input.artifactUri.length > 2048) {
      throw AppError.badInput('input.artifactUri', 'artifactUri must be an absolute URI (s3://, gs://, https://, models:/...)');
    }
    if (!DIGEST.test(input.artifactDigest))
      throw AppError.badInput('input.artifactDigest', 'artifactDigest must be sha256:<64 hex>, sha512:<128 hex> or md5:<32 hex>');
    if (input.trainingRunId) {
      requireUuid('input.trainingRunId', input.trainingRunId);
      if (!(await this.registry.runExists(input.trainingRunId))) throw AppError.badInput('input.trainingRunId', `lineage has no run ${input.trainingRunId}`);
    }
    const links: { datasetId: string; role: 'training' | 'evaluation' }[] = [];
    for (const [i, d] of input.datasets.entries()) {
      const field = `input.datasets.${i}.nodeId`;
      const id = parseNodeId(d.nodeId, field);
      if (id.type !== 'DATASET') throw AppError.badInput(field, 'nodeId must be dataset:<namespace>:<name>');
      const found = (await this.registry.findDatasetByName(id.namespace, id.name))[0];
      if (!found) throw AppError.badInput(field, `lineage has no dataset ${d.nodeId}`);
      links.push({ datasetId: found.id, role: d.role });
    }
    const version = await this.registry.insertVersion({
      model_id: model.id,
      version: input.version,
      artifact_uri: input.artifactUri,
      artifact_digest: input.artifactDigest,
      framework: input.framework ?? null,
      training_run_id: input.trainingRunId ?? null,
      registered_by: principal.id,
    });
    if (!version) throw new AppError(ErrorCode.CONFLICT, `model ${model.name} already has a version ${input.version}`, 'input.version');
    await this.registry.insertVersionDatasets(version.id, links);
    await this.registry.insertStageChange({
      model_version_id: version.id,
      from_stage: null,
      to_stage: 'development',
      changed_by: principal.id,
      reason: 'registered',
      exception_id: null,
    });
    const card = await this.cards.insertCard(version.id);
    const content = initialCard(model, version, input.datasets);
    await this.cards.insertRevision({
      card_id: card.id,
      revision: 1,
      content,
      content_sha256: contentSha256(content),
      author: principal.id,
      source: 'registry',
    });
    await this.audit.record({
      action: 'model.version.register',
      decision: 'allow',
      ...actorOf(principal),
      target: `model:${model.name}@${version.version}`,
      details: {
        modelVersionId: version.id,
        domain: model.domain,
        artifactDigest: version.artifact_digest,
        trainingRunId: version.training_run_id,
        datasets: input.datasets,
      },
    });
    return { version, model };
  }

  async moveStage(principal: Principal, version: VersionRow, to: Stage, reason: string | null, exceptionId: string | null): Promise<VersionRow> {
    const moved = await this.registry.setStage(version.id, to);
    await this.registry.insertStageChange({
      model_version_id: version.id,
      from_stage: version.stage,
      to_stage: to,
      changed_by: principal.id,
      reason,
      exception_id: exceptionId,
    });
    return moved;
  }
}

/** Revision 1: what the registry already knows, so a card is never empty. */
function initialCard(model: ModelRow, version: VersionRow, datasets: { nodeId: string; role: string }[]): CardContent {
  return {
    schema_version: '0.0.2',
    model_details: {
      name: model.name,
      ...(model.description ? { overview: model.description } : {}),
      version: { name: version.version },
      path: version.artifact_uri,
    },
    ...(datasets.length ? { model_parameters: { data: datasets.map((d) => ({ name: d.nodeId, description: `${d.role} data` })) } } : {}),
  };
}
