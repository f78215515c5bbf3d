/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** A grant of a stronger action covers the weaker: EXPORT ⊃ READ ⊃ READ_MASKED */
export type AccessAction =
  | 'EXPORT'
  | 'READ'
  | 'READ_MASKED';

export type AccessGrantEnd =
  | 'EXPIRED'
  | 'REVOKED';

/** ESCALATED: waiting for people (see stage) */
export type AccessRequestStatus =
  | 'APPROVED'
  | 'DENIED'
  | 'ESCALATED';

/** Whose inbox an escalated request is in: the dataset owner's, then (after the time limit) the domain risk officer's */
export type AccessReviewStage =
  | 'OWNER'
  | 'RISK_OFFICER';

export type ApproveAccessRequestInput = {
  /** Approve for fewer days than were asked (1 to the requested duration) */
  durationDays?: number | null | undefined;
  note?: string | null | undefined;
  requestId: string | number;
};

export type ApproveModelCardInput = {
  comment?: string | null | undefined;
  modelVersionId: string | number;
  /** The revision the approver read: approval fails if it is no longer current */
  revision: number;
};

/** NAME: by namespace then name; UPDATED_AT: most recently changed first */
export type DatasetSort =
  | 'NAME'
  | 'UPDATED_AT';

export type DenyAccessRequestInput = {
  /** Shown to the requester */
  reason: string;
  requestId: string | number;
};

export type GenerateReportInput = {
  /** Start of the period (inclusive) */
  from: string;
  kind: ReportKind;
  /** dataset:<namespace>:<name> for a dataset access pack, model:<model name>:<version> for a model audit pack */
  target: string;
  /** End of the period (exclusive) */
  to: string;
};

/** Which way a traversal follows the data */
export type LineageDirection =
  | 'BOTH'
  | 'DOWNSTREAM'
  | 'UPSTREAM';

export type LineageNodeType =
  | 'DATASET'
  | 'DATASET_FIELD'
  | 'JOB'
  | 'MODEL_VERSION';

export type ModelCardStatus =
  | 'APPROVED'
  | 'CHANGES_REQUESTED'
  | 'DRAFT'
  | 'IN_REVIEW';

export type ModelDatasetRole =
  | 'EVALUATION'
  | 'TRAINING';

export type ModelStage =
  | 'DEVELOPMENT'
  | 'PRODUCTION'
  | 'RETIRED'
  | 'STAGING';

export type PiiScanStatus =
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

export type PiiVerdict =
  | 'CONFIRMED'
  | 'REJECTED';

export type PromotionGateCondition =
  | 'BIAS_REPORT'
  | 'CARD_APPROVAL';

/** MODEL: model audit pack (needs the model registry); DATASET: dataset access pack */
export type ReportKind =
  | 'DATASET'
  | 'MODEL';

export type ReportStatus =
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

export type RequestChangesInput = {
  comment: string;
  modelVersionId: string | number;
};

/** The dataset by id, or by namespace and name */
export type RequestDatasetAccessInput = {
  action: AccessAction;
  datasetId?: string | number | null | undefined;
  /** 1..365; rules may grant less */
  durationDays: number;
  /** Only these fields; omit for the whole dataset */
  fields?: Array<string> | null | undefined;
  /** Free text for reviewers */
  justification?: string | null | undefined;
  name?: string | null | undefined;
  namespace?: string | null | undefined;
  /** An id from accessPurposes (policies/access-purposes.yaml) */
  purpose: string;
};

export type RevokeAccessGrantInput = {
  grantId: string | number;
  reason: string;
};

/** EU AI Act risk tiers */
export type RiskTier =
  | 'HIGH'
  | 'LIMITED'
  | 'MINIMAL'
  | 'UNACCEPTABLE';

/** Derived from the personal types found, by the rules in policies/pii-thresholds.yaml */
export type Sensitivity =
  | 'CONFIDENTIAL'
  | 'INTERNAL'
  | 'PUBLIC'
  | 'RESTRICTED';

export type SetPiiVerdictInput = {
  /** Field name in lineage */
  column: string;
  /** A personal-data type, e.g. EMAIL_ADDRESS */
  entityType: string;
  name: string;
  namespace: string;
  note?: string | null | undefined;
  verdict: PiiVerdict;
};

export type AccessGrantsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  principal?: string | null | undefined;
  activeOnly: boolean;
}>;


export type AccessGrantsQuery = { accessGrants: { nodes: Array<{ id: string, action: AccessAction, active: boolean, grantedAt: string, expiresAt: string, grantedBy: string, endedAt: string | null, endReason: AccessGrantEnd | null, endNote: string | null, person: { id: string, name: string | null, email: string | null }, dataset: { namespace: string, name: string, sensitivity: string, domain: string, models: Array<{ id: string, modelName: string, version: string }> }, request: { id: string, purpose: string, ruleId: string | null, decidedAutomatically: boolean, approvals: Array<{ decision: string, authority: string, approver: { id: string, name: string | null, email: string | null } }> } }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type RevokeAccessGrantMutationVariables = Exact<{
  input: RevokeAccessGrantInput;
}>;


export type RevokeAccessGrantMutation = { revokeAccessGrant: { id: string, active: boolean, endedAt: string | null } };

export type AccessInboxQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type AccessInboxQuery = { accessRequests: { nodes: Array<{ id: string, createdAt: string, escalatedAt: string | null, stage: AccessReviewStage | null, status: AccessRequestStatus, purpose: string, action: AccessAction, durationDays: number, justification: string, reason: string | null, ruleId: string | null, requiredApprovals: number, facts: unknown, fields: Array<string>, requester: { id: string, name: string | null, email: string | null }, approvals: Array<{ decision: string, durationDays: number | null, approver: { id: string, name: string | null, email: string | null } }>, dataset: { namespace: string, name: string, sensitivity: string, domain: string, tags: Array<string> } }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type ApproveAccessRequestMutationVariables = Exact<{
  input: ApproveAccessRequestInput;
}>;


export type ApproveAccessRequestMutation = { approveAccessRequest: { request: { id: string, status: AccessRequestStatus }, grant: { id: string, expiresAt: string } | null } };

export type DenyAccessRequestMutationVariables = Exact<{
  input: DenyAccessRequestInput;
}>;


export type DenyAccessRequestMutation = { denyAccessRequest: { id: string, status: AccessRequestStatus } };

export type AuditEventsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  action?: string | null | undefined;
  actorId?: string | null | undefined;
  decision?: string | null | undefined;
  target?: string | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
}>;


export type AuditEventsQuery = { auditEvents: { nodes: Array<{ seq: string, occurredAt: string, action: string, actorId: string | null, actorLabel: string | null, decision: string, target: string | null, reason: string | null, requestId: string | null, actorPerson: { id: string, name: string | null, email: string | null } | null }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type VerifyAuditChainQueryVariables = Exact<{ [key: string]: never; }>;


export type VerifyAuditChainQuery = { verifyAuditChain: { valid: boolean, checkedCount: number, firstBrokenSeq: string | null, problem: string | null } };

export type DatasetPageQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type DatasetPageQuery = { dataset: { nodeId: string, namespace: string, name: string, domain: string, owner: string | null, description: string | null, sensitivity: Sensitivity, tags: Array<string>, updatedAt: string, sourceName: string | null, ownerPerson: { id: string, name: string | null, email: string | null } | null, fields: Array<{ name: string, type: string | null, description: string | null, tags: Array<string> }>, models: Array<{ id: string, modelName: string, version: string, stage: ModelStage }> }, piiScans: { nodes: Array<{ id: string, status: PiiScanStatus, finishedAt: string | null, datasetSensitivity: Sensitivity, sampled: number | null, columns: Array<{ name: string, field: string | null, pii: boolean, tags: Array<string>, entities: Array<{ type: string, matchRatio: number }> }> }> }, piiVerdicts: Array<{ column: string, entityType: string, verdict: PiiVerdict, decidedBy: string, decidedAt: string, note: string | null, decidedByPerson: { id: string, name: string | null, email: string | null } | null }>, accessPurposes: Array<{ id: string, description: string }> };

export type SetPiiVerdictMutationVariables = Exact<{
  input: SetPiiVerdictInput;
}>;


export type SetPiiVerdictMutation = { setPiiVerdict: { column: string, entityType: string, verdict: PiiVerdict } };

export type RequestDatasetAccessMutationVariables = Exact<{
  input: RequestDatasetAccessInput;
}>;


export type RequestDatasetAccessMutation = { requestDatasetAccess: { request: { id: string, status: AccessRequestStatus, reason: string | null, ruleId: string | null, decidedAutomatically: boolean, durationDays: number, requiredApprovals: number, stage: AccessReviewStage | null }, grant: { id: string, expiresAt: string, action: AccessAction } | null } };

export type DatasetsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  namePrefix?: string | null | undefined;
  namespace?: string | null | undefined;
  tag?: string | null | undefined;
  owner?: string | null | undefined;
  domain?: string | null | undefined;
  sensitivity?: Sensitivity | null | undefined;
  sort: DatasetSort;
}>;


export type DatasetsQuery = { datasets: { nodes: Array<{ nodeId: string, namespace: string, name: string, domain: string, owner: string | null, sensitivity: Sensitivity, tags: Array<string>, updatedAt: string, description: string | null, ownerPerson: { id: string, name: string | null, email: string | null } | null }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type DeniedAttemptsQueryVariables = Exact<{
  first: number;
}>;


export type DeniedAttemptsQuery = { auditEvents: { nodes: Array<{ seq: string, occurredAt: string, action: string, actorId: string | null, actorLabel: string | null, target: string | null, reason: string | null, details: unknown }> } };

export type LineageQueryVariables = Exact<{
  nodeId: string;
  direction: LineageDirection;
  depth: number;
  asOf?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type LineageQuery = { lineage: { partial: boolean, continuation: string | null, nodes: Array<{ id: string, type: LineageNodeType, name: string | null, namespace: string | null, field: string | null, distance: number, restricted: boolean, truncated: boolean, tags: Array<string> }>, edges: Array<{ origin: string, destination: string, masking: boolean | null }> } };

export type ColumnLineageQueryVariables = Exact<{
  nodeId: string;
  direction: LineageDirection;
  depth: number;
  asOf?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type ColumnLineageQuery = { columnLineage: { partial: boolean, continuation: string | null, nodes: Array<{ id: string, type: LineageNodeType, name: string | null, namespace: string | null, field: string | null, distance: number, restricted: boolean, truncated: boolean, tags: Array<string> }>, edges: Array<{ origin: string, destination: string, masking: boolean | null }> } };

export type ModelCardPageQueryVariables = Exact<{
  id: string | number;
}>;


export type ModelCardPageQuery = { modelCard: { id: string, modelName: string, version: string, modelVersionId: string, status: ModelCardStatus, currentRevision: number, approvals: number, requiredApprovals: number, content: unknown, productionGate: { passes: boolean, failures: Array<{ condition: string, message: string, waivedBy: { name: string, expiresAt: string } | null }> }, exceptions: Array<{ id: string, name: string, reason: string, waives: Array<PromotionGateCondition>, active: boolean, grantedAt: string, expiresAt: string, grantedBy: string, grantedByPerson: { id: string, name: string | null, email: string | null } | null }>, reviews: Array<{ action: string, actor: string, comment: string | null, createdAt: string, revision: number, signatureValid: boolean | null, actorPerson: { id: string, name: string | null, email: string | null } | null }> }, modelVersion: { id: string, stage: ModelStage, framework: string | null, trainingRunId: string | null, datasets: Array<{ nodeId: string, role: ModelDatasetRole }>, stageHistory: Array<{ from: ModelStage | null, to: ModelStage, changedAt: string, changedBy: string, reason: string | null, changedByPerson: { id: string, name: string | null, email: string | null } | null }> }, biasReports: { nodes: Array<{ id: string, protectedAttribute: string, createdAt: string, cardRevision: number, minGroupSize: number, fourFifthsRuleViolated: boolean | null, withinThresholds: boolean, violations: Array<string>, demographicParityRatio: { value: number | null }, groups: Array<{ group: string, count: number, belowMinimum: boolean, selectionRate: { value: number | null } }> }> } };

export type ModelCardDiffQueryVariables = Exact<{
  id: string | number;
  from: number;
  to: number;
}>;


export type ModelCardDiffQuery = { modelCard: { id: string, diff: Array<{ path: string, op: string, before: unknown, after: unknown }> } };

export type ApproveModelCardMutationVariables = Exact<{
  input: ApproveModelCardInput;
}>;


export type ApproveModelCardMutation = { approveModelCard: { id: string, status: ModelCardStatus, approvals: number, requiredApprovals: number } };

export type RequestModelCardChangesMutationVariables = Exact<{
  input: RequestChangesInput;
}>;


export type RequestModelCardChangesMutation = { requestModelCardChanges: { id: string, status: ModelCardStatus } };

export type ModelsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  volumeDays?: number;
  withVolume?: boolean;
  domain?: string | null | undefined;
  riskTier?: RiskTier | null | undefined;
  stage?: ModelStage | null | undefined;
  reviewStatus?: ModelCardStatus | null | undefined;
}>;


export type ModelsQuery = { models: { nodes: Array<{ id: string, name: string, domain: string, owner: string, riskTier: RiskTier, predictionVolume?: Array<{ day: string, count: number }> | null, versions: Array<{ id: string, version: string, stage: ModelStage, cardStatus: ModelCardStatus, cardRevision: number, createdAt: string }> }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type PredictionVolumeAlertsQueryVariables = Exact<{ [key: string]: never; }>;


export type PredictionVolumeAlertsQuery = { predictionVolumeAlerts: Array<{ modelName: string, lastHourCount: number, threshold: number, since: string | null }> };

export type MyAccessRequestsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  status?: AccessRequestStatus | null | undefined;
}>;


export type MyAccessRequestsQuery = { myAccessRequests: { nodes: Array<{ id: string, createdAt: string, decidedAt: string | null, status: AccessRequestStatus, stage: AccessReviewStage | null, reason: string | null, purpose: string, action: AccessAction, durationDays: number, requiredApprovals: number, approvals: Array<{ decision: string }>, dataset: { namespace: string, name: string, sensitivity: string } }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type ReportsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  kind?: ReportKind | null | undefined;
  status?: ReportStatus | null | undefined;
}>;


export type ReportsQuery = { reports: { nodes: Array<{ id: string, kind: ReportKind, target: string, from: string, to: string, status: ReportStatus, progress: number, error: string | null, packHash: string | null, createdAt: string, requestedByLabel: string | null, files: Array<{ name: string, url: string, bytes: number }> }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type GenerateReportMutationVariables = Exact<{
  input: GenerateReportInput;
}>;


export type GenerateReportMutation = { generateReport: { id: string, status: ReportStatus } };

export type VerifyReportUploadQueryVariables = Exact<{
  fileBase64: string;
}>;


export type VerifyReportUploadQuery = { verifyReport: { valid: boolean, reason: string, fileKind: string, packHash: string | null, reportId: string | null, sha256: string } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, name: string | null, email: string | null, roles: Array<string>, domains: Array<string>, subject: string } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const AccessGrantsDocument = new TypedDocumentString(`
    query AccessGrants($first: Int!, $after: String, $principal: String, $activeOnly: Boolean!) {
  accessGrants(
    first: $first
    after: $after
    principal: $principal
    activeOnly: $activeOnly
  ) {
    nodes {
      id
      action
      active
      grantedAt
      expiresAt
      grantedBy
      endedAt
      endReason
      endNote
      person {
        id
        name
        email
      }
      dataset {
        namespace
        name
        sensitivity
        domain
        models {
          id
          modelName
          version
        }
      }
      request {
        id
        purpose
        ruleId
        decidedAutomatically
        approvals {
          decision
          authority
          approver {
            id
            name
            email
          }
        }
      }
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<AccessGrantsQuery, AccessGrantsQueryVariables>;
export const RevokeAccessGrantDocument = new TypedDocumentString(`
    mutation RevokeAccessGrant($input: RevokeAccessGrantInput!) {
  revokeAccessGrant(input: $input) {
    id
    active
    endedAt
  }
}
    `) as unknown as TypedDocumentString<RevokeAccessGrantMutation, RevokeAccessGrantMutationVariables>;
export const AccessInboxDocument = new TypedDocumentString(`
    query AccessInbox($first: Int!, $after: String) {
  accessRequests(
    first: $first
    after: $after
    status: ESCALATED
    awaitingMe: true
  ) {
    nodes {
      id
      createdAt
      escalatedAt
      stage
      status
      purpose
      action
      durationDays
      justification
      reason
      ruleId
      requiredApprovals
      facts
      fields
      requester {
        id
        name
        email
      }
      approvals {
        decision
        durationDays
        approver {
          id
          name
          email
        }
      }
      dataset {
        namespace
        name
        sensitivity
        domain
        tags
      }
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<AccessInboxQuery, AccessInboxQueryVariables>;
export const ApproveAccessRequestDocument = new TypedDocumentString(`
    mutation ApproveAccessRequest($input: ApproveAccessRequestInput!) {
  approveAccessRequest(input: $input) {
    request {
      id
      status
    }
    grant {
      id
      expiresAt
    }
  }
}
    `) as unknown as TypedDocumentString<ApproveAccessRequestMutation, ApproveAccessRequestMutationVariables>;
export const DenyAccessRequestDocument = new TypedDocumentString(`
    mutation DenyAccessRequest($input: DenyAccessRequestInput!) {
  denyAccessRequest(input: $input) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<DenyAccessRequestMutation, DenyAccessRequestMutationVariables>;
export const AuditEventsDocument = new TypedDocumentString(`
    query AuditEvents($first: Int!, $after: String, $action: String, $actorId: String, $decision: String, $target: String, $from: DateTime, $to: DateTime) {
  auditEvents(
    first: $first
    after: $after
    action: $action
    actorId: $actorId
    decision: $decision
    target: $target
    from: $from
    to: $to
  ) {
    nodes {
      seq
      occurredAt
      action
      actorId
      actorLabel
      actorPerson {
        id
        name
        email
      }
      decision
      target
      reason
      requestId
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<AuditEventsQuery, AuditEventsQueryVariables>;
export const VerifyAuditChainDocument = new TypedDocumentString(`
    query VerifyAuditChain {
  verifyAuditChain {
    valid
    checkedCount
    firstBrokenSeq
    problem
  }
}
    `) as unknown as TypedDocumentString<VerifyAuditChainQuery, VerifyAuditChainQueryVariables>;
export const DatasetPageDocument = new TypedDocumentString(`
    query DatasetPage($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    nodeId
    namespace
    name
    domain
    owner
    ownerPerson {
      id
      name
      email
    }
    description
    sensitivity
    tags
    updatedAt
    sourceName
    fields {
      name
      type
      description
      tags
    }
    models {
      id
      modelName
      version
      stage
    }
  }
  piiScans(namespace: $namespace, name: $name, first: 1) {
    nodes {
      id
      status
      finishedAt
      datasetSensitivity
      sampled
      columns {
        name
        field
        pii
        tags
        entities {
          type
          matchRatio
        }
      }
    }
  }
  piiVerdicts(namespace: $namespace, name: $name) {
    column
    entityType
    verdict
    decidedBy
    decidedByPerson {
      id
      name
      email
    }
    decidedAt
    note
  }
  accessPurposes {
    id
    description
  }
}
    `) as unknown as TypedDocumentString<DatasetPageQuery, DatasetPageQueryVariables>;
export const SetPiiVerdictDocument = new TypedDocumentString(`
    mutation SetPiiVerdict($input: SetPiiVerdictInput!) {
  setPiiVerdict(input: $input) {
    column
    entityType
    verdict
  }
}
    `) as unknown as TypedDocumentString<SetPiiVerdictMutation, SetPiiVerdictMutationVariables>;
export const RequestDatasetAccessDocument = new TypedDocumentString(`
    mutation RequestDatasetAccess($input: RequestDatasetAccessInput!) {
  requestDatasetAccess(input: $input) {
    request {
      id
      status
      reason
      ruleId
      decidedAutomatically
      durationDays
      requiredApprovals
      stage
    }
    grant {
      id
      expiresAt
      action
    }
  }
}
    `) as unknown as TypedDocumentString<RequestDatasetAccessMutation, RequestDatasetAccessMutationVariables>;
export const DatasetsDocument = new TypedDocumentString(`
    query Datasets($first: Int!, $after: String, $namePrefix: String, $namespace: String, $tag: String, $owner: String, $domain: String, $sensitivity: Sensitivity, $sort: DatasetSort!) {
  datasets(
    first: $first
    after: $after
    namePrefix: $namePrefix
    namespace: $namespace
    tag: $tag
    owner: $owner
    domain: $domain
    sensitivity: $sensitivity
    sort: $sort
  ) {
    nodes {
      nodeId
      namespace
      name
      domain
      owner
      ownerPerson {
        id
        name
        email
      }
      sensitivity
      tags
      updatedAt
      description
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<DatasetsQuery, DatasetsQueryVariables>;
export const DeniedAttemptsDocument = new TypedDocumentString(`
    query DeniedAttempts($first: Int!) {
  auditEvents(first: $first, decision: "deny") {
    nodes {
      seq
      occurredAt
      action
      actorId
      actorLabel
      target
      reason
      details
    }
  }
}
    `) as unknown as TypedDocumentString<DeniedAttemptsQuery, DeniedAttemptsQueryVariables>;
export const LineageDocument = new TypedDocumentString(`
    query Lineage($nodeId: String!, $direction: LineageDirection!, $depth: Int!, $asOf: DateTime, $after: String) {
  lineage(
    nodeId: $nodeId
    direction: $direction
    depth: $depth
    asOf: $asOf
    after: $after
    maxNodes: 150
  ) {
    partial
    continuation
    nodes {
      id
      type
      name
      namespace
      field
      distance
      restricted
      truncated
      tags
    }
    edges {
      origin
      destination
      masking
    }
  }
}
    `) as unknown as TypedDocumentString<LineageQuery, LineageQueryVariables>;
export const ColumnLineageDocument = new TypedDocumentString(`
    query ColumnLineage($nodeId: String!, $direction: LineageDirection!, $depth: Int!, $asOf: DateTime, $after: String) {
  columnLineage(
    nodeId: $nodeId
    direction: $direction
    depth: $depth
    asOf: $asOf
    after: $after
    maxNodes: 150
  ) {
    partial
    continuation
    nodes {
      id
      type
      name
      namespace
      field
      distance
      restricted
      truncated
      tags
    }
    edges {
      origin
      destination
      masking
    }
  }
}
    `) as unknown as TypedDocumentString<ColumnLineageQuery, ColumnLineageQueryVariables>;
export const ModelCardPageDocument = new TypedDocumentString(`
    query ModelCardPage($id: ID!) {
  modelCard(id: $id) {
    id
    modelName
    version
    modelVersionId
    status
    currentRevision
    approvals
    requiredApprovals
    content
    productionGate {
      passes
      failures {
        condition
        message
        waivedBy {
          name
          expiresAt
        }
      }
    }
    exceptions {
      id
      name
      reason
      waives
      active
      grantedAt
      expiresAt
      grantedBy
      grantedByPerson {
        id
        name
        email
      }
    }
    reviews {
      action
      actor
      actorPerson {
        id
        name
        email
      }
      comment
      createdAt
      revision
      signatureValid
    }
  }
  modelVersion(id: $id) {
    id
    stage
    framework
    trainingRunId
    datasets {
      nodeId
      role
    }
    stageHistory {
      from
      to
      changedAt
      changedBy
      changedByPerson {
        id
        name
        email
      }
      reason
    }
  }
  biasReports(modelVersionId: $id, first: 3) {
    nodes {
      id
      protectedAttribute
      createdAt
      cardRevision
      minGroupSize
      fourFifthsRuleViolated
      withinThresholds
      violations
      demographicParityRatio {
        value
      }
      groups {
        group
        count
        belowMinimum
        selectionRate {
          value
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ModelCardPageQuery, ModelCardPageQueryVariables>;
export const ModelCardDiffDocument = new TypedDocumentString(`
    query ModelCardDiff($id: ID!, $from: Int!, $to: Int!) {
  modelCard(id: $id) {
    id
    diff(from: $from, to: $to) {
      path
      op
      before
      after
    }
  }
}
    `) as unknown as TypedDocumentString<ModelCardDiffQuery, ModelCardDiffQueryVariables>;
export const ApproveModelCardDocument = new TypedDocumentString(`
    mutation ApproveModelCard($input: ApproveModelCardInput!) {
  approveModelCard(input: $input) {
    id
    status
    approvals
    requiredApprovals
  }
}
    `) as unknown as TypedDocumentString<ApproveModelCardMutation, ApproveModelCardMutationVariables>;
export const RequestModelCardChangesDocument = new TypedDocumentString(`
    mutation RequestModelCardChanges($input: RequestChangesInput!) {
  requestModelCardChanges(input: $input) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<RequestModelCardChangesMutation, RequestModelCardChangesMutationVariables>;
export const ModelsDocument = new TypedDocumentString(`
    query Models($first: Int!, $after: String, $volumeDays: Int! = 14, $withVolume: Boolean! = false, $domain: String, $riskTier: RiskTier, $stage: ModelStage, $reviewStatus: ModelCardStatus) {
  models(
    first: $first
    after: $after
    domain: $domain
    riskTier: $riskTier
    stage: $stage
    reviewStatus: $reviewStatus
  ) {
    nodes {
      id
      name
      domain
      owner
      riskTier
      predictionVolume(days: $volumeDays) @include(if: $withVolume) {
        day
        count
      }
      versions {
        id
        version
        stage
        cardStatus
        cardRevision
        createdAt
      }
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<ModelsQuery, ModelsQueryVariables>;
export const PredictionVolumeAlertsDocument = new TypedDocumentString(`
    query PredictionVolumeAlerts {
  predictionVolumeAlerts {
    modelName
    lastHourCount
    threshold
    since
  }
}
    `) as unknown as TypedDocumentString<PredictionVolumeAlertsQuery, PredictionVolumeAlertsQueryVariables>;
export const MyAccessRequestsDocument = new TypedDocumentString(`
    query MyAccessRequests($first: Int!, $after: String, $status: AccessRequestStatus) {
  myAccessRequests(first: $first, after: $after, status: $status) {
    nodes {
      id
      createdAt
      decidedAt
      status
      stage
      reason
      purpose
      action
      durationDays
      requiredApprovals
      approvals {
        decision
      }
      dataset {
        namespace
        name
        sensitivity
      }
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<MyAccessRequestsQuery, MyAccessRequestsQueryVariables>;
export const ReportsDocument = new TypedDocumentString(`
    query Reports($first: Int!, $after: String, $kind: ReportKind, $status: ReportStatus) {
  reports(first: $first, after: $after, kind: $kind, status: $status) {
    nodes {
      id
      kind
      target
      from
      to
      status
      progress
      error
      packHash
      createdAt
      requestedByLabel
      files {
        name
        url
        bytes
      }
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<ReportsQuery, ReportsQueryVariables>;
export const GenerateReportDocument = new TypedDocumentString(`
    mutation GenerateReport($input: GenerateReportInput!) {
  generateReport(input: $input) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<GenerateReportMutation, GenerateReportMutationVariables>;
export const VerifyReportUploadDocument = new TypedDocumentString(`
    query VerifyReportUpload($fileBase64: String!) {
  verifyReport(fileBase64: $fileBase64) {
    valid
    reason
    fileKind
    packHash
    reportId
    sha256
  }
}
    `) as unknown as TypedDocumentString<VerifyReportUploadQuery, VerifyReportUploadQueryVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    id
    name
    email
    roles
    domains
    subject
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;