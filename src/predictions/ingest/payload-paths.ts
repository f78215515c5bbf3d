/**
 * Dotted field paths into a JSON payload: `customer.id`, `inputs.0.data`, `instances.*.2`
 * (`*` = every element or member). Used for redaction, pseudonymisation, the subject key, and
 * the protected attribute / outcome of bias reports.
 */
export type PathValue = string | number | boolean | null | PathValue[] | { [key: string]: PathValue };

export const REDACTED = '[REDACTED]';

export function isValidPath(path: string): boolean {
  return path.length > 0 && path.length <= 300 && path.split('.').every((part) => part.length > 0);
}

/** Every value at `path` (several with `*`). */
export function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        if (part === '*') next.push(...(v as unknown[]));
        else if (/^\d+$/.test(part) && Number(part) < v.length) next.push(v[Number(part)]);
      } else if (v && typeof v === 'object') {
        const record = v as Record<string, unknown>;
        if (part === '*') next.push(...Object.values(record));
        else if (Object.prototype.hasOwnProperty.call(record, part)) next.push(record[part]);
      }
    }
    current = next;
  }
  return current;
}

/** A copy of `value` with every value at `path` replaced by `replace(old)`; the input is not changed. */
export function replaceAt(value: unknown, path: string, replace: (old: unknown) => unknown): unknown {
  const parts = path.split('.');
  const walk = (v: unknown, i: number): unknown => {
    if (i === parts.length) return replace(v);
    const part = parts[i]!;
    if (Array.isArray(v)) {
      if (part === '*') return v.map((item: unknown) => walk(item, i + 1));
      if (/^\d+$/.test(part) && Number(part) < v.length) return v.map((item: unknown, k) => (k === Number(part) ? walk(item, i + 1) : item));
      return v;
    }
    if (v && typeof v === 'object') {
      const record = v as Record<string, unknown>;
      const out: Record<string, unknown> = { ...record };
      for (const key of Object.keys(record)) if (part === '*' || key === part) out[key] = walk(record[key], i + 1);
      return out;
    }
    return v;
  };
  return walk(value, 0);
}

/** The text an HMAC is taken over: equal values give equal text whatever their JSON type. */
export function keyText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
