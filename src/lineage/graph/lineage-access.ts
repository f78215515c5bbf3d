import { createHash } from 'node:crypto';
import type { Principal } from '../../auth/principal';
import type { AuthorizationService } from '../../authz/authorization.service';
import { formatNodeId, type NodeType } from './node-id';

export type LineagePermission = 'lineage.read' | 'lineage.manage';

/**
 * The caller's right to see lineage nodes, decided per node domain (a graph spans few domains, so
 * each is checked once per answer). A node the caller may not read stays in the graph as a
 * restricted placeholder: its place and edges are kept, its names hidden.
 */
export class LineageAccess {
  private readonly decisions = new Map<string, boolean>();

  constructor(
    private readonly authorization: AuthorizationService,
    readonly principal: Principal,
    private readonly permission: LineagePermission = 'lineage.read',
  ) {}

  can(domain: string): boolean {
    let allowed = this.decisions.get(domain);
    if (allowed === undefined) {
      allowed = this.authorization.check(this.principal, this.permission, domain).allowed;
      this.decisions.set(domain, allowed);
    }
    return allowed;
  }
}

/** What the caller sees of one node: its names, or a placeholder when restricted. */
export interface NodeView {
  /** Internal key (`d:<uuid>`, `j:<uuid>`, `f:<uuid>:<field>`); never shown to callers. */
  key: string;
  type: NodeType;
  /** The Marquez node id, or a placeholder id when restricted. */
  nodeId: string;
  restricted: boolean;
  /** Null when restricted. */
  namespace: string | null;
  name: string | null;
  field: string | null;
  domain: string | null;
  owner: string | null;
  tags: string[];
  /** A dataset field's type (column lineage). */
  fieldType: string | null;
}

export interface NodeFacts {
  key: string;
  type: NodeType;
  namespace: string;
  name: string;
  field?: string;
  domain: string;
  owner: string | null;
  tags: string[];
  fieldType?: string | null;
}

// The namespace of placeholder ids: `~` cannot start a Marquez namespace, so no real node has it.
export const RESTRICTED_NAMESPACE = '~restricted';

export function toNodeView(facts: NodeFacts, access: LineageAccess): NodeView {
  if (!access.can(facts.domain)) {
    return {
      key: facts.key,
      type: facts.type,
      nodeId: placeholderId(facts.key, facts.type),
      restricted: true,
      namespace: null,
      name: null,
      field: null,
      domain: null,
      owner: null,
      tags: [],
      fieldType: null,
    };
  }
  return {
    key: facts.key,
    type: facts.type,
    nodeId: formatNodeId(facts),
    restricted: false,
    namespace: facts.namespace,
    name: facts.name,
    field: facts.field ?? null,
    domain: facts.domain,
    owner: facts.owner,
    tags: facts.tags,
    fieldType: facts.fieldType ?? null,
  };
}

/**
 * A stable id that hides the node's names: the same node gets the same placeholder in every answer,
 * so continuation pages join up. Fields of one restricted dataset share its first hash.
 */
export function placeholderId(key: string, type: NodeType): string {
  const hash = (s: string) => createHash('sha256').update(`charter-lineage-placeholder\u0000${s}`).digest('hex').slice(0, 20);
  if (type === 'DATASET_FIELD') return `datasetField:${RESTRICTED_NAMESPACE}:${hash(`d:${key.slice(2, 38)}`)}:${hash(key)}`;
  return `${type === 'JOB' ? 'job' : 'dataset'}:${RESTRICTED_NAMESPACE}:${hash(key)}`;
}
