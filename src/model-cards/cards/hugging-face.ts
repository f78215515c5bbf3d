import Ajv from 'ajv';
import canonicalize from 'canonicalize';
import { parse, stringify } from 'yaml';
import type { CardContent } from './card-content';
import type { CardProblem } from './mct-schema';

/**
 * Hugging Face model cards (README.md with YAML front matter, huggingface/hub-docs `modelcard.md`)
 * to and from Model Card Toolkit JSON. Mapped fields: `license` ↔ model_details.licenses,
 * `datasets` ↔ model_parameters.data, `metrics` and `model-index` results ↔
 * quantitative_analysis.performance_metrics, the markdown body ↔ model_details.documentation.
 * Everything else in the front matter (language, library_name, tags, base_model...) and the
 * original model-index are kept under `model_details.huggingface` (the toolkit schema closes only
 * its top level), so a card imported from Hugging Face exports back to the same metadata.
 */

export class HuggingFaceCardError extends Error {
  constructor(readonly problem: CardProblem) {
    super(problem.message);
  }
}

interface ModelIndexEntry {
  name: string;
  results: {
    task: { type: string; name?: string };
    dataset: { type: string; name: string; config?: string; split?: string; revision?: string };
    metrics: { type: string; value: unknown; name?: string }[];
  }[];
}

interface PerformanceMetric {
  type?: string;
  value?: string;
  slice?: string;
}

interface HuggingFaceExtension {
  card_data?: Record<string, unknown>;
  model_index?: ModelIndexEntry[];
}

// The spec's "Required" annotations, checked so that a bad card names its field and rule.
const frontMatterSchema = {
  type: 'object',
  properties: {
    license: { type: 'string' },
    license_name: { type: 'string' },
    datasets: { type: 'array', items: { type: 'string' } },
    metrics: { type: 'array', items: { type: 'string' } },
    'model-index': {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'results'],
        properties: {
          name: { type: 'string' },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['task', 'dataset', 'metrics'],
              properties: {
                task: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
                dataset: { type: 'object', required: ['type', 'name'], properties: { type: { type: 'string' }, name: { type: 'string' } } },
                metrics: {
                  type: 'array',
                  items: { type: 'object', required: ['type', 'value'], properties: { type: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
    },
  },
};
const validateFrontMatter = new Ajv({ allErrors: false, strict: false }).compile(frontMatterSchema);

const MAPPED = new Set(['license', 'datasets', 'metrics', 'model-index']);
// Export order of the spec's keys; others follow in their stored order.
const ORDER = ['language', 'license', 'license_name', 'license_link', 'library_name', 'tags', 'datasets', 'buckets', 'metrics', 'base_model', 'model-index'];

export function splitFrontMatter(markdown: string): { frontMatter: string | null; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(markdown);
  return m ? { frontMatter: m[1]!, body: markdown.slice(m[0].length) } : { frontMatter: null, body: markdown };
}

/** README.md → card. `fallbackName` names the model when neither model-index nor a heading does. */
export function importHuggingFace(markdown: string, fallbackName: string): CardContent {
  const { frontMatter, body } = splitFrontMatter(markdown);
  let data: unknown = {};
  if (frontMatter !== null) {
    try {
      data = parse(frontMatter) ?? {};
    } catch (error) {
      throw new HuggingFaceCardError({ pointer: '', rule: 'yaml', message: `front matter is not valid YAML: ${(error as Error).message}` });
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new HuggingFaceCardError({ pointer: '', rule: 'type', message: 'the YAML front matter must be a mapping (key: value), not a list or a scalar' });
  }
  if (!validateFrontMatter(data)) {
    const e = validateFrontMatter.errors![0]!;
    const missing = (e.params as { missingProperty?: string }).missingProperty;
    throw new HuggingFaceCardError({
      pointer: `${e.instancePath}${missing ? `/${missing}` : ''}`,
      rule: e.keyword,
      message: `front matter ${e.message ?? 'is invalid'}`,
    });
  }
  const meta = data as Record<string, unknown> & { license?: string; datasets?: string[]; metrics?: string[]; 'model-index'?: ModelIndexEntry[] };
  const modelIndex = meta['model-index'];
  const heading = /^#\s+(.+?)\s*$/m.exec(body)?.[1];

  const performance = modelIndex ? metricsFromModelIndex(modelIndex) : [];
  for (const name of meta.metrics ?? []) if (!performance.some((p) => p.type === name)) performance.push({ type: name });

  const cardData = Object.fromEntries(Object.entries(meta).filter(([k]) => !MAPPED.has(k)));
  const extension: HuggingFaceExtension = {};
  if (Object.keys(cardData).length) extension.card_data = cardData;
  if (modelIndex) extension.model_index = modelIndex;

  const card: CardContent = {
    schema_version: '0.0.2',
    model_details: {
      name: modelIndex?.[0]?.name ?? heading ?? fallbackName,
      ...(body.trim() ? { documentation: body } : {}),
      ...(meta.license !== undefined ? { licenses: [{ identifier: meta.license }] } : {}),
      ...(Object.keys(extension).length ? { huggingface: extension } : {}),
    },
  };
  if (meta.datasets?.length) card['model_parameters'] = { data: meta.datasets.map((name) => ({ name })) };
  if (performance.length) card['quantitative_analysis'] = { performance_metrics: performance };
  return card;
}

/** Flattens model-index results: one performance metric per result metric, sliced by dataset. */
function metricsFromModelIndex(index: ModelIndexEntry[]): PerformanceMetric[] {
  return index.flatMap((entry) => entry.results.flatMap((r) => r.metrics.map((m) => ({ type: m.type, value: String(m.value), slice: r.dataset.name }))));
}

/** Card → README.md. */
export function exportHuggingFace(card: CardContent): string {
  const details = (card['model_details'] ?? {}) as {
    name?: string;
    documentation?: string;
    licenses?: { identifier?: string; custom_text?: string }[];
    huggingface?: HuggingFaceExtension;
  };
  const data = ((card['model_parameters'] ?? {}) as { data?: { name?: string }[] }).data ?? [];
  const performance = ((card['quantitative_analysis'] ?? {}) as { performance_metrics?: PerformanceMetric[] }).performance_metrics ?? [];
  const extension = details.huggingface ?? {};

  const meta: Record<string, unknown> = { ...(extension.card_data ?? {}) };
  const license = details.licenses?.[0];
  if (license?.identifier !== undefined) meta['license'] = license.identifier;
  else if (license?.custom_text !== undefined) {
    meta['license'] = 'other';
    meta['license_name'] ??= license.custom_text;
  }
  const datasets = data.map((d) => d.name).filter((n): n is string => typeof n === 'string');
  if (datasets.length) meta['datasets'] = datasets;
  const metricNames = [...new Set(performance.map((p) => p.type).filter((t): t is string => typeof t === 'string'))];
  if (metricNames.length) meta['metrics'] = metricNames;
  const modelIndex = exportModelIndex(details.name ?? 'model', performance, extension.model_index);
  if (modelIndex) meta['model-index'] = modelIndex;

  const ordered: Record<string, unknown> = {};
  for (const key of ORDER) if (key in meta) ordered[key] = meta[key];
  for (const [key, value] of Object.entries(meta)) if (!(key in ordered)) ordered[key] = value;
  const body = details.documentation ?? renderBody(card);
  return `---\n${stringify(ordered, { aliasDuplicateObjects: false })}---\n${body.startsWith('\n') ? body : `\n${body}`}`;
}

/** The imported model-index while the card's metrics still say the same; otherwise rebuilt from them. */
function exportModelIndex(name: string, performance: PerformanceMetric[], stored: ModelIndexEntry[] | undefined): ModelIndexEntry[] | null {
  const valued = performance.filter((p) => p.value !== undefined && p.type !== undefined);
  if (stored && canonicalize(metricsFromModelIndex(stored)) === canonicalize(valued)) return stored;
  if (!valued.length) return null;
  const bySlice = new Map<string, PerformanceMetric[]>();
  for (const p of valued) {
    const slice = p.slice ?? 'evaluation';
    bySlice.set(slice, [...(bySlice.get(slice) ?? []), p]);
  }
  const task = stored?.[0]?.results[0]?.task ?? { type: 'other' };
  return [
    {
      name,
      results: [...bySlice].map(([slice, metrics]) => ({
        task,
        dataset: { type: slice, name: slice },
        metrics: metrics.map((m) => ({ type: m.type!, value: numberOrText(m.value!) })),
      })),
    },
  ];
}

const numberOrText = (v: string): number | string => (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v) ? Number(v) : v);

type Described = { description?: string }[] | undefined;

/** A readable body for cards that were not written in markdown (e.g. imported from the toolkit). */
function renderBody(card: CardContent): string {
  const details = (card['model_details'] ?? {}) as { name?: string; overview?: string };
  const considerations = (card['considerations'] ?? {}) as {
    users?: Described;
    use_cases?: Described;
    limitations?: Described;
    tradeoffs?: Described;
    ethical_considerations?: { name?: string; mitigation_strategy?: string }[];
  };
  const lines = [`# ${details.name ?? 'Model card'}`, ''];
  if (details.overview) lines.push(details.overview, '');
  const section = (title: string, items: Described) => {
    if (!items?.length) return;
    lines.push(`## ${title}`, '', ...items.map((i) => `- ${i.description ?? ''}`), '');
  };
  section('Intended users', considerations.users);
  section('Intended uses', considerations.use_cases);
  section('Limitations', considerations.limitations);
  section('Trade-offs', considerations.tradeoffs);
  if (considerations.ethical_considerations?.length) {
    lines.push('## Ethical considerations', '');
    for (const r of considerations.ethical_considerations)
      lines.push(`- ${r.name ?? ''}${r.mitigation_strategy ? ` Mitigation: ${r.mitigation_strategy}` : ''}`);
    lines.push('');
  }
  return lines.join('\n');
}
