import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** `schemas/openlineage/` at the project root (dist/src/lineage/ingest → ../../../../). */
export const OPENLINEAGE_SCHEMAS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'schemas', 'openlineage');

export interface ValidationProblem {
  /** JSON pointer into the submitted event, e.g. `/inputs/0/facets/schema/fields/1/name`. */
  pointer: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `format`...). */
  rule: string;
  message: string;
}

type Facets = Record<string, unknown>;
export type EventKind = 'run' | 'job' | 'dataset';

export function eventKind(event: object): EventKind | null {
  if ('run' in event) return 'run';
  if ('job' in event) return 'job';
  if ('dataset' in event) return 'dataset';
  return null;
}
type FacetSection = 'run' | 'job' | 'dataset' | 'inputDataset' | 'outputDataset';

/**
 * Validates OpenLineage events against the official schemas: the core event schema, then each
 * facet whose key has an official schema (`schema`, `columnLineage`, `ownership`...). Facets with
 * other keys are custom facets: kept as sent, checked only against the base facet rules.
 */
export class OpenLineageValidator {
  private readonly eventValidators: Record<EventKind, ValidateFunction>;
  private readonly facetValidators = new Map<string, ValidateFunction>();

  constructor(dir = OPENLINEAGE_SCHEMAS_DIR) {
    // strict: false because the official schemas carry non-standard keywords such as `example`.
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    addFormats(ajv);
    const core = JSON.parse(readFileSync(path.join(dir, 'OpenLineage.json'), 'utf8')) as { $id: string };
    ajv.addSchema(core);
    for (const file of readdirSync(path.join(dir, 'facets')).filter((f) => f.endsWith('.json'))) {
      const schema = JSON.parse(readFileSync(path.join(dir, 'facets', file), 'utf8')) as { $id: string; properties?: Record<string, unknown> };
      ajv.addSchema(schema);
      // Each facet file names its event key(s) under `properties`, pointing at its definition.
      for (const key of Object.keys(schema.properties ?? {})) {
        this.facetValidators.set(`${facetSectionOf(file)}:${key}`, ajv.compile({ $ref: `${schema.$id}#/properties/${key}` }));
      }
    }
    const compileDef = (name: string) => ajv.compile({ $ref: `${core.$id}#/$defs/${name}` });
    this.eventValidators = { run: compileDef('RunEvent'), job: compileDef('JobEvent'), dataset: compileDef('DatasetEvent') };
  }

  /** Returns the first problem, or null when the event is valid. */
  validate(event: unknown): ValidationProblem | null {
    if (typeof event !== 'object' || event === null || Array.isArray(event))
      return { pointer: '/', rule: 'type', message: 'must be an OpenLineage event object' };
    // The three event kinds are disjoint (run → RunEvent, else job → JobEvent, else DatasetEvent);
    // validating against the one the event claims to be gives a precise error instead of oneOf's.
    const kind = eventKind(event);
    if (!kind) return { pointer: '/run', rule: 'required', message: 'an event needs "run" and "job" (RunEvent), "job" (JobEvent) or "dataset" (DatasetEvent)' };
    const validateEvent = this.eventValidators[kind];
    if (!validateEvent(event)) return toProblem(pickMostSpecific(validateEvent.errors ?? []), '');
    const e = event as {
      run?: { facets?: Facets };
      job?: { facets?: Facets };
      dataset?: { facets?: Facets };
      inputs?: { facets?: Facets; inputFacets?: Facets }[];
      outputs?: { facets?: Facets; outputFacets?: Facets }[];
    };
    return (
      this.checkFacets('run', e.run?.facets, '/run/facets') ??
      this.checkFacets('job', e.job?.facets, '/job/facets') ??
      this.checkFacets('dataset', e.dataset?.facets, '/dataset/facets') ??
      firstOf(
        e.inputs,
        (d, i) => this.checkFacets('dataset', d.facets, `/inputs/${i}/facets`) ?? this.checkFacets('inputDataset', d.inputFacets, `/inputs/${i}/inputFacets`),
      ) ??
      firstOf(
        e.outputs,
        (d, i) =>
          this.checkFacets('dataset', d.facets, `/outputs/${i}/facets`) ?? this.checkFacets('outputDataset', d.outputFacets, `/outputs/${i}/outputFacets`),
      )
    );
  }

  private checkFacets(section: FacetSection, facets: Facets | undefined, pointer: string): ValidationProblem | null {
    for (const [key, value] of Object.entries(facets ?? {})) {
      const validate = this.facetValidators.get(`${section}:${key}`);
      // A facet marked deleted carries no content to check.
      if (!validate || (value as { _deleted?: unknown })?._deleted === true) continue;
      if (!validate(value)) return toProblem(pickMostSpecific(validate.errors ?? []), `${pointer}/${escapePointer(key)}`);
    }
    return null;
  }
}

function facetSectionOf(file: string): FacetSection {
  if (file.endsWith('InputDatasetFacet.json')) return 'inputDataset';
  if (file.endsWith('OutputDatasetFacet.json')) return 'outputDataset';
  if (file.endsWith('DatasetFacet.json')) return 'dataset';
  if (file.endsWith('JobFacet.json')) return 'job';
  if (file.endsWith('RunFacet.json')) return 'run';
  // LineageFacet.json and the like describe facets of several kinds; file them under dataset.
  return 'dataset';
}

function firstOf<T>(items: T[] | undefined, check: (item: T, index: number) => ValidationProblem | null): ValidationProblem | null {
  for (const [i, item] of (items ?? []).entries()) {
    const problem = check(item, i);
    if (problem) return problem;
  }
  return null;
}

/** Among allOf/anyOf branch errors, the deepest one explains the failure best. */
function pickMostSpecific(errors: ErrorObject[]): ErrorObject | undefined {
  const meaningful = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'allOf' && e.keyword !== 'if');
  const pool = meaningful.length > 0 ? meaningful : errors;
  return pool.reduce<ErrorObject | undefined>((best, e) => (!best || e.instancePath.length > best.instancePath.length ? e : best), undefined);
}

function toProblem(error: ErrorObject | undefined, prefix: string): ValidationProblem {
  if (!error) return { pointer: prefix || '/', rule: 'schema', message: 'does not match the OpenLineage schema' };
  let pointer = `${prefix}${error.instancePath}`;
  if (error.keyword === 'required') pointer = `${pointer}/${escapePointer(String((error.params as { missingProperty: string }).missingProperty))}`;
  return { pointer: pointer || '/', rule: error.keyword, message: error.message ?? 'is invalid' };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
