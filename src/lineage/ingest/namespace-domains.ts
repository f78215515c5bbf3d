import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const fileSchema = z.object({
  namespaces: z.record(z.string().min(1), z.string().min(1, 'must name a domain')).default({}),
});

/** Which domain a newly seen dataset or job gets, from `policies/lineage-domains.yaml`. */
export class NamespaceDomains {
  private constructor(private readonly entries: readonly { pattern: string; prefix: boolean; domain: string }[]) {}

  static load(policiesDir: string): NamespaceDomains {
    const file = path.join(policiesDir, 'lineage-domains.yaml');
    let document: unknown;
    try {
      document = parse(readFileSync(file, 'utf8')) ?? {};
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
    const parsed = fileSchema.safeParse(document);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    }
    return new NamespaceDomains(
      Object.entries(parsed.data.namespaces).map(([pattern, domain]) =>
        pattern.endsWith('*') ? { pattern: pattern.slice(0, -1), prefix: true, domain } : { pattern, prefix: false, domain },
      ),
    );
  }

  domainOf(namespace: string): string {
    const hit = this.entries.find((e) => (e.prefix ? namespace.startsWith(e.pattern) : namespace === e.pattern));
    return hit?.domain ?? '*';
  }
}
