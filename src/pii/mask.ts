import type { EntityType } from './types';

function stars(n: number): string {
  return '*'.repeat(Math.max(1, Math.min(n, 12)));
}

/** Keeps the first letter of each word: "Jane Doe" -> "J*** D**". */
function maskWords(value: string): string {
  return value.replace(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu, (w) => w[0] + stars(w.length - 1));
}

/** Keeps the last `keep` digits; every other digit becomes "*", separators stay. */
function maskDigits(value: string, keep: number): string {
  let seen = 0;
  const total = value.replace(/\D/g, '').length;
  return value.replace(/\d/g, (d) => (++seen > total - keep ? d : '*'));
}

/**
 * A value safe to show in a report: enough shape to recognise the kind of data, not enough to
 * identify anyone. Cards keep their last four digits (as PCI DSS allows on receipts).
 */
export function maskValue(type: EntityType, value: string): string {
  switch (type) {
    case 'EMAIL_ADDRESS': {
      const at = value.lastIndexOf('@');
      const domain = value.slice(at + 1);
      const dot = domain.lastIndexOf('.');
      return `${value[0] ?? ''}${stars(at - 1)}@${domain[0] ?? ''}${stars(dot - 1)}${domain.slice(dot)}`;
    }
    case 'CREDIT_CARD':
      return maskDigits(value, 4);
    case 'PHONE_NUMBER':
    case 'IBAN_CODE':
      return maskDigits(value, 2).replace(/^([A-Z]{2})[A-Z]*/i, '$1');
    case 'US_SSN':
    case 'UK_NHS':
    case 'UK_NINO':
    case 'DATE_OF_BIRTH':
    case 'IP_ADDRESS':
    case 'MAC_ADDRESS':
      return value.replace(/[\p{L}\p{N}]/gu, '*');
    case 'SECRET':
      return `${value.slice(0, Math.min(4, Math.floor(value.length / 4)))}${stars(12)}`;
    case 'PERSON':
    case 'LOCATION':
    case 'STREET_ADDRESS':
    case 'NRP':
      return maskWords(value);
    case 'ORGANIZATION':
    case 'DATE_TIME':
    case 'URL':
      return value;
  }
}
