import type { Span } from '../types';

// Credential formats that announce themselves (vendors chose the prefixes so scanners find them).
const KNOWN = [
  /^(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}$/, // AWS access key id
  /^gh[pousr]_[A-Za-z0-9]{36,255}$/, // GitHub tokens
  /^github_pat_[A-Za-z0-9_]{22,255}$/,
  /^glpat-[A-Za-z0-9_-]{20,}$/, // GitLab
  /^xox[abposr]-[A-Za-z0-9-]{10,}$/, // Slack
  /^(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}$/, // Stripe
  /^sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}$/, // OpenAI, Anthropic
  /^AIza[0-9A-Za-z_-]{35}$/, // Google API key
  /^hf_[A-Za-z0-9]{30,}$/, // Hugging Face
  /^npm_[A-Za-z0-9]{36}$/, // npm
  /^SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}$/, // SendGrid
  /^shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}$/, // Shopify
  /^chk_[A-Za-z0-9]+_[A-Za-z0-9_-]{20,}$/, // Charter's own API keys
  /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/, // JWT
  /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];
const KNOWN_INSIDE =
  /\b(?:(?:AKIA|ASIA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})|-----BEGIN [A-Z ]*PRIVATE KEY-----/g;

const TOKEN = /^[A-Za-z0-9+/=_\-.~!@#$%^&*]{8,}$/;
const HEX = /^(?:0x)?[0-9a-fA-F]+$/;
const CODE = /^[A-Z0-9]+(?:[-_/.][A-Z0-9]+)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function classes(value: string): number {
  return (/[a-z]/.test(value) ? 1 : 0) + (/[A-Z]/.test(value) ? 1 : 0) + (/\d/.test(value) ? 1 : 0) + (/[^A-Za-z0-9]/.test(value) ? 1 : 0);
}

/**
 * Known prefixes score high; a long random-looking token (three character classes, high entropy)
 * scores moderately; a short mixed token (a password?) only weakly, for the header to decide.
 * Hex strings and UUIDs are hashes and identifiers, not credentials.
 */
export function secretScore(value: string): number {
  if (value.length < 8 || value.length > 4096) return 0;
  for (const re of KNOWN) if (re.test(value)) return 0.95;
  if (!TOKEN.test(value) || HEX.test(value) || UUID.test(value)) return 0;
  const kinds = classes(value);
  if (value.length >= 20 && kinds >= 3 && entropy(value) >= 3.5) return 0.65;
  // Product codes ("ETH-13100-5L") are upper-case segments joined by dashes: ids, not secrets.
  if (value.length < 12 || CODE.test(value)) return 0;
  return kinds >= 3 ? 0.3 : 0;
}

export function findSecrets(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(KNOWN_INSIDE)) spans.push({ type: 'SECRET', start: m.index, end: m.index + m[0].length, score: 0.95 });
  return spans;
}
