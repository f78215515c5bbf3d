import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

/** `schemas/model-card/` at the project root (dist/src/model-cards/cards → ../../../../). */
export const MODEL_CARD_SCHEMA_FILE = path.resolve(__dirname, '..', '..', '..', '..', 'schemas', 'model-card', 'model_card.schema.v0.0.2.json');

export interface CardProblem {
  /** JSON pointer into the card, e.g. `/model_details/licenses/0`. */
  pointer: string;
  /** The JSON Schema keyword that failed (`type`, `oneOf`, `required`...). */
  rule: string;
  message: string;
}

/** Validates cards against the Model Card Toolkit schema v0.0.2, compiled once. */
export class ModelCardSchema {
  private readonly validateCard: ValidateFunction;

  constructor(file = MODEL_CARD_SCHEMA_FILE) {
    // The toolkit validates with Python jsonschema and no format checker: `format` is an
    // annotation there (its own example has "date": "08/28/2020"), so it is here too.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    this.validateCard = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
  }

  /** The first (deepest) problem, or null when the card is valid. */
  validate(card: unknown): CardProblem | null {
    if (typeof card !== 'object' || card === null || Array.isArray(card)) return { pointer: '', rule: 'type', message: 'a model card must be a JSON object' };
    if (this.validateCard(card)) return null;
    const errors = this.validateCard.errors ?? [];
    // oneOf/anyOf report their branches' failures too; the deepest error names the real culprit,
    // except that a oneOf's own error explains a "neither identifier nor custom_text" license.
    const pick = errors.reduce<ErrorObject>((best, e) => (depth(e) > depth(best) ? e : best), errors[0]!);
    const chosen = errors.find((e) => e.keyword === 'oneOf' && e.instancePath === pick.instancePath) ?? pick;
    return { pointer: chosen.instancePath, rule: chosen.keyword, message: describe(chosen) };
  }
}

const depth = (e: ErrorObject) => e.instancePath.split('/').length;

function describe(e: ErrorObject): string {
  if (e.keyword === 'oneOf') return 'must have exactly one of the alternatives (for a license: "identifier" or "custom_text")';
  return e.message ?? 'is invalid';
}
