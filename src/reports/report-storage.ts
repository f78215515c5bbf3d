import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_JSON, PACK_JSON, PACK_PDF, type SignedManifest } from './integrity/manifest';
import type { PackFiles } from './pack/pack-files';

/** REPORTS_DIR/<report id>/{pack.pdf, pack.json, manifest.json}. Also used by the offline CLI. */
export class ReportStorage {
  constructor(readonly root: string) {}

  dir(reportId: string): string {
    return path.join(this.root, reportId);
  }

  file(reportId: string, name: typeof PACK_PDF | typeof PACK_JSON | typeof MANIFEST_JSON): string {
    return path.join(this.dir(reportId), name);
  }

  /** Each file is written beside its final name and renamed, so a reader never sees half a file. */
  async write(reportId: string, files: PackFiles): Promise<void> {
    const dir = this.dir(reportId);
    await fs.mkdir(dir, { recursive: true });
    for (const [name, data] of [
      [PACK_PDF, files.pdf],
      [PACK_JSON, files.packJson],
      [MANIFEST_JSON, files.manifestJson],
    ] as const) {
      const temporary = path.join(dir, `.${name}.partial`);
      await fs.writeFile(temporary, data);
      await fs.rename(temporary, path.join(dir, name));
    }
  }

  async read(reportId: string, name: typeof PACK_PDF | typeof PACK_JSON | typeof MANIFEST_JSON): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.file(reportId, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async manifest(reportId: string): Promise<SignedManifest | null> {
    const data = await this.read(reportId, MANIFEST_JSON);
    if (!data) return null;
    try {
      return JSON.parse(data.toString('utf8')) as SignedManifest;
    } catch {
      return null;
    }
  }

  /** Every stored manifest: the CLI's lookup, which has no database. */
  async *manifests(): AsyncGenerator<SignedManifest> {
    let entries: string[];
    try {
      entries = (await fs.readdir(this.root)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const manifest = await this.manifest(entry);
      if (manifest) yield manifest;
    }
  }
}
