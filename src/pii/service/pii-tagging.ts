import type { ColumnResult } from '../classify';
import { sensitivityForTypes } from '../scanner';
import type { PiiThresholds, Sensitivity } from '../thresholds';
import type { Verdict } from './pii-scan.repository';

export const PII_TAG_PREFIX = 'PII:';
export const DATASET_PII_TAG = 'PII';

export interface TaggingInput {
  columns: readonly Pick<ColumnResult, 'name' | 'entities'>[];
  /** The dataset's current fields in lineage: only these can carry tags. */
  fields: readonly string[];
  verdicts: readonly { column_name: string; entity_type: string; verdict: Verdict }[];
  datasetTags: readonly string[];
  rules: PiiThresholds['sensitivity'];
}

export interface Tagging {
  /** Every field of the dataset with its PII:* tags (empty when none): stale tags are dropped. */
  fieldTags: Map<string, string[]>;
  /** The lineage field each scanned column was matched to, or null. */
  columnField: Map<string, string | null>;
  datasetTags: string[];
  sensitivity: Sensitivity;
}

/**
 * Which PII:* tags a scan puts on a dataset's fields, after reviewer verdicts: a rejected finding
 * is never tagged, a confirmed one is tagged even when this scan missed it (sampling, a changed
 * file). Pure, so the rules are unit-tested without a database.
 */
export function planTagging(input: TaggingInput): Tagging {
  const fieldByLower = new Map<string, string | null>();
  for (const f of input.fields) fieldByLower.set(f.toLowerCase(), fieldByLower.has(f.toLowerCase()) ? null : f);
  const fieldNames = new Set(input.fields);
  // A file's header need not match lineage's spelling: exact first, else case-insensitive when unambiguous.
  const matchField = (column: string): string | null => (fieldNames.has(column) ? column : (fieldByLower.get(column.toLowerCase()) ?? null));

  const verdict = new Map(input.verdicts.map((v) => [`${v.column_name}\u0000${v.entity_type}`, v.verdict]));
  const types = new Map<string, Set<string>>(input.fields.map((f) => [f, new Set<string>()]));
  const columnField = new Map<string, string | null>();
  for (const column of input.columns) {
    const field = matchField(column.name);
    columnField.set(column.name, field);
    if (!field) continue;
    for (const e of column.entities) {
      if (verdict.get(`${field}\u0000${e.type}`) !== 'rejected') types.get(field)!.add(e.type);
    }
  }
  for (const v of input.verdicts) {
    if (v.verdict === 'confirmed') types.get(v.column_name)?.add(v.entity_type);
  }

  const fieldTags = new Map<string, string[]>();
  const all = new Set<string>();
  for (const [field, set] of types) {
    const sorted = [...set].sort();
    sorted.forEach((t) => all.add(t));
    fieldTags.set(
      field,
      sorted.map((t) => PII_TAG_PREFIX + t),
    );
  }
  const datasetTags = input.datasetTags.filter((t) => t !== DATASET_PII_TAG);
  if (all.size) datasetTags.push(DATASET_PII_TAG);
  return { fieldTags, columnField, datasetTags, sensitivity: sensitivityForTypes(all, input.rules) };
}
