import { AppError } from '../../common/app-error';

/**
 * Node ids as Marquez writes them: `dataset:<namespace>:<name>`, `job:<namespace>:<name>`,
 * `datasetField:<namespace>:<dataset>:<field>`.
 *
 * Parsing follows Marquez's `NodeId.parts()`: when the id has exactly the expected number of
 * `:`-separated parts they are taken as they are; otherwise the id is cut at the first colons that
 * start neither `//` nor a digit, so `postgres://db:5432` stays one namespace, and the last part
 * takes the rest (a name may contain `:`). Two departures: the type prefix always ends at the
 * first colon (Marquez would not cut `dataset:1ns:...` there), and `#` is part of a name unless it
 * ends the id as `#<uuid>`, Marquez's version suffix, which Charter refuses (ask with `asOf`).
 * A namespace with a colon followed by a letter cannot be told apart, as in Marquez.
 */
export type NodeType = 'DATASET' | 'JOB' | 'DATASET_FIELD';

export interface DatasetNodeId {
  type: 'DATASET';
  namespace: string;
  name: string;
}

export interface JobNodeId {
  type: 'JOB';
  namespace: string;
  name: string;
}

export interface DatasetFieldNodeId {
  type: 'DATASET_FIELD';
  namespace: string;
  name: string;
  field: string;
  /**
   * Other readings of the same id when the dataset name itself contains `:`
   * (`datasetField:ns:a:b:c` is dataset `a`, field `b:c` for Marquez, but may be dataset `a:b`,
   * field `c`); the service keeps the first that exists.
   */
  alternatives: { name: string; field: string }[];
}

export type NodeId = DatasetNodeId | JobNodeId | DatasetFieldNodeId;

const PREFIX: Record<string, NodeType> = { dataset: 'DATASET', job: 'JOB', datasetField: 'DATASET_FIELD' };
const TYPE_PREFIX: Record<NodeType, string> = { DATASET: 'dataset', JOB: 'job', DATASET_FIELD: 'datasetField' };
const VERSION_SUFFIX = /#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Marquez's `:(?!//|\d+)`: a separator is a colon that starts neither `//` nor a port number.
const SEPARATOR = /:(?!\/\/|\d)/g;
const MAX_LENGTH = 4096;

export function formatNodeId(id: { type: NodeType; namespace: string; name: string; field?: string }): string {
  const base = `${TYPE_PREFIX[id.type]}:${id.namespace}:${id.name}`;
  return id.type === 'DATASET_FIELD' ? `${base}:${id.field ?? ''}` : base;
}

/** Parses a node id; a malformed one is a BAD_USER_INPUT naming `field`. */
export function parseNodeId(value: string, field = 'nodeId'): NodeId {
  const bad = (why: string) =>
    AppError.badInput(field, `${field} ${why}; expected dataset:<namespace>:<name>, job:<namespace>:<name> or datasetField:<namespace>:<dataset>:<field>`);
  if (typeof value !== 'string' || value.length === 0) throw bad('is empty');
  if (value.length > MAX_LENGTH) throw bad(`is longer than ${MAX_LENGTH} characters`);
  const colon = value.indexOf(':');
  const type = colon > 0 ? PREFIX[value.slice(0, colon)] : undefined;
  if (!type) throw bad(`"${abbreviate(value)}" must start with dataset:, job: or datasetField:`);
  if (VERSION_SUFFIX.test(value)) throw bad('names a version (#<uuid>); versioned node ids are not supported, ask with asOf');

  // The type prefix always ends at the first colon (Marquez would not cut there if a digit follows).
  const rest = value.slice(colon + 1);
  const parts = splitParts(rest, type === 'DATASET_FIELD' ? 3 : 2);
  if (!parts || parts.some((p) => p === ''))
    throw bad(`"${abbreviate(value)}" does not have a non-empty namespace, name${type === 'DATASET_FIELD' ? ' and field' : ''}`);
  const [namespace, name, fieldName] = parts as [string, string, string?];
  if (type !== 'DATASET_FIELD') return { type, namespace, name };
  return { type, namespace, name, field: fieldName!, alternatives: fieldAlternatives(rest, namespace, name) };
}

/** Marquez's `NodeId.parts(expected)` on what follows the type prefix, with `#` left inside names. */
function splitParts(value: string, expected: number): string[] | null {
  const naive = value.split(':');
  // Java's String.split drops trailing empty strings; Marquez counts parts after that.
  while (naive.length > 0 && naive.at(-1) === '') naive.pop();
  if (naive.length < expected) return null;
  if (naive.length === expected) return naive;
  const cuts = separatorPositions(value).slice(0, expected - 1);
  if (cuts.length < expected - 1) return null;
  const parts: string[] = [];
  let previous = 0;
  for (const cut of cuts) {
    parts.push(value.slice(previous, cut));
    previous = cut + 1;
  }
  parts.push(value.slice(previous));
  return parts;
}

function separatorPositions(value: string): number[] {
  return [...value.matchAll(SEPARATOR)].map((m) => m.index);
}

/** The other places the dataset/field boundary could be, when the dataset name contains `:`. */
function fieldAlternatives(rest: string, namespace: string, name: string): { name: string; field: string }[] {
  const nameStart = namespace.length + 1;
  const out: { name: string; field: string }[] = [];
  for (const cut of separatorPositions(rest)) {
    if (cut <= nameStart + name.length || cut === rest.length - 1) continue;
    out.push({ name: rest.slice(nameStart, cut), field: rest.slice(cut + 1) });
  }
  return out;
}

function abbreviate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
