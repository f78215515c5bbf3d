import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { PERSONAL_TYPES } from './types';

const ratio = z.number().min(0).max(1);
const count = z.number().int().min(0);

const schema = z.strictObject({
  column: z.strictObject({
    minEvidence: ratio,
    minEvidenceWithHeader: ratio,
    minRatioWithHeader: ratio,
    minEvidenceAgainstHeader: ratio,
    secondaryMinRatio: ratio,
    secondaryMinScore: ratio,
    neighbourMinEvidence: ratio,
    neighbourDistance: count,
  }),
  freeText: z.strictObject({ minMeanWords: z.number().positive(), minCells: count, minRatio: ratio, minScore: ratio, nlpCells: count }),
  dateOfBirth: z.strictObject({ minAgeYears: count, maxAgeYears: count, minSpreadYears: count, minDateOnlyRatio: ratio }),
  sampling: z.strictObject({ defaultRows: z.number().int().positive(), blocks: z.number().int().positive() }),
  sensitivity: z.strictObject({
    restricted: z.array(z.enum(PERSONAL_TYPES)),
    confidential: z.array(z.enum(PERSONAL_TYPES)),
    none: z.enum(['public', 'internal', 'confidential', 'restricted']),
  }),
});

export type PiiThresholds = z.infer<typeof schema>;
export type Sensitivity = PiiThresholds['sensitivity']['none'];

export const THRESHOLDS_FILE = 'pii-thresholds.yaml';

/** Parses and validates a thresholds document; errors name the file and the field at fault. */
export function parseThresholds(text: string, file: string): PiiThresholds {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    throw new Error(`${file}: ${where}: ${issue.message}${keys}`);
  }
  return parsed.data;
}

export function loadThresholds(policiesDir: string): PiiThresholds {
  const file = path.join(policiesDir, THRESHOLDS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseThresholds(text, file);
}

/** policies/ of this checkout: two levels above dist/src/pii. */
export function defaultPoliciesDir(): string {
  return path.resolve(__dirname, '..', '..', '..', 'policies');
}
