import { parseArgs } from 'node:util';
import { PiiInputError, PiiUsageError } from './pii.errors';
import { DEFAULT_SEED, FORMATS, scanFile, type Format } from './scanner';
import { toJsonReport, toTextReport } from './scan-report';
import { defaultPoliciesDir, loadThresholds } from './thresholds';

export const SCAN_USAGE = 'usage: charter scan <file> [--format csv|jsonl|parquet] [--sample N | --full] [--json] [--seed N] [--policies DIR]';

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value)))
    throw new PiiUsageError(`${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}

function parse(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        sample: { type: 'string' },
        full: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        seed: { type: 'string' },
        policies: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new PiiUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true as const };
  if (positionals.length !== 1) throw new PiiUsageError(positionals.length ? `one file at a time, got ${positionals.length}` : 'missing <file>');
  if (values.format !== undefined && !(FORMATS as readonly string[]).includes(values.format))
    throw new PiiUsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (values.full && values.sample !== undefined) throw new PiiUsageError('--sample and --full exclude each other');
  const seed = values.seed === undefined ? DEFAULT_SEED : /^\d+$/.test(values.seed) ? Number(values.seed) : NaN;
  if (!Number.isSafeInteger(seed)) throw new PiiUsageError(`--seed must be a non-negative integer, got "${values.seed}"`);
  return {
    help: false as const,
    file: positionals[0]!,
    format: values.format as Format | undefined,
    sampleRows: positiveInt('--sample', values.sample),
    full: values.full,
    json: values.json,
    seed,
    policies: values.policies,
  };
}

/**
 * `charter scan`: offline PII classification of a CSV, JSON Lines or Parquet file.
 * Exit codes: 0 done, 1 unreadable file (or thresholds), 2 usage error.
 */
export async function runScanCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let args;
  try {
    args = parse(argv);
  } catch (error) {
    if (!(error instanceof PiiUsageError)) throw error;
    io.stderr(`charter scan: ${error.message}\n${SCAN_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${SCAN_USAGE}\n`);
    return 0;
  }
  try {
    const thresholds = loadThresholds(args.policies ?? defaultPoliciesDir());
    const result = await scanFile(args.file, { format: args.format, full: args.full, sampleRows: args.sampleRows, seed: args.seed, thresholds });
    io.stdout(args.json ? `${JSON.stringify(toJsonReport(result), null, 2)}\n` : toTextReport(result));
    return 0;
  } catch (error) {
    if (error instanceof PiiInputError || (error instanceof Error && error.message.includes('pii-thresholds.yaml'))) {
      io.stderr(`charter scan: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
