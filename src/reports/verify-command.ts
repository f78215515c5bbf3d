import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CommandIo } from '../pii/scan-command';
import { loadConfig } from '../config/config';
import type { SignedManifest } from './integrity/manifest';
import { loadPublicKey, signingKeyPath } from './integrity/signing-key';
import { verifyPackFile, type ManifestLookup } from './integrity/verify';
import { ReportStorage } from './report-storage';

const HELP = `usage: charter verify-report <file> [--manifest <manifest.json>] [--public-key <key.pem>] [--json]

Says whether <file> (a pack.pdf, pack.json or manifest.json) is a compliance pack this Charter
produced, unchanged. Exit code 0: verified; 1: not verified (the reason is printed); 2: usage.

  --manifest <file>    the pack's manifest.json (default: found in REPORTS_DIR by pack hash or id)
  --public-key <file>  the report signing key, public PEM (default: CHARTER_DATA_DIR's key)
  --json               print the result as JSON
`;

/** `charter verify-report`: offline, from the files in REPORTS_DIR and CHARTER_DATA_DIR; no server or database needed. */
export async function runVerifyReportCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { manifest: { type: 'string' }, 'public-key': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.stderr(`charter verify-report: ${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(HELP);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) {
    io.stderr(HELP);
    return 2;
  }
  const config = loadConfig();
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch (error) {
    io.stderr(`charter verify-report: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const keyFile = parsed.values['public-key'] ?? signingKeyPath(config.dataDir);
  let publicKey;
  try {
    publicKey = await loadPublicKey(keyFile);
  } catch (error) {
    io.stderr(`charter verify-report: cannot read the report signing key ${keyFile}: ${(error as Error).message}\n`);
    return 2;
  }
  const given = parsed.values.manifest;
  const storage = new ReportStorage(config.reportsDir);
  const lookup: ManifestLookup = async (by) => {
    if (given) return JSON.parse(await fs.readFile(given, 'utf8')) as SignedManifest;
    if ('reportId' in by) return storage.manifest(by.reportId);
    for await (const manifest of storage.manifests()) if (manifest.packHash === by.packHash) return manifest;
    return null;
  };
  const result = await verifyPackFile(data, lookup, publicKey);
  if (parsed.values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else (result.valid ? io.stdout : io.stderr)(`${result.valid ? 'VERIFIED' : 'NOT VERIFIED'}: ${file}: ${result.reason}\n`);
  return result.valid ? 0 : 1;
}
