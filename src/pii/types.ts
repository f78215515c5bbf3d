/**
 * Entity types. Names follow Microsoft Presidio where it has one; DATE_OF_BIRTH, ORGANIZATION,
 * STREET_ADDRESS, SECRET and MAC_ADDRESS are Charter's own.
 */
export const PERSONAL_TYPES = [
  'PERSON',
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'UK_NINO',
  'UK_NHS',
  'IP_ADDRESS',
  'MAC_ADDRESS',
  'LOCATION',
  'STREET_ADDRESS',
  'DATE_OF_BIRTH',
  'NRP',
  'SECRET',
] as const;

/** Reported, but never make a column personal: a company name or a timestamp identifies no one. */
export const NON_PERSONAL_TYPES = ['ORGANIZATION', 'DATE_TIME', 'URL'] as const;

export type PersonalType = (typeof PERSONAL_TYPES)[number];
export type NonPersonalType = (typeof NON_PERSONAL_TYPES)[number];
export type EntityType = PersonalType | NonPersonalType;

export const ENTITY_TYPES: readonly EntityType[] = [...PERSONAL_TYPES, ...NON_PERSONAL_TYPES];

const PERSONAL = new Set<string>(PERSONAL_TYPES);

export function isPersonal(type: EntityType): type is PersonalType {
  return PERSONAL.has(type);
}

/** A detection in a text: `[start, end)` in UTF-16 code units, score in (0, 1]. */
export interface Span {
  type: EntityType;
  start: number;
  end: number;
  score: number;
}

/** A detection covering a whole cell value. */
export interface ValueMatch {
  type: EntityType;
  score: number;
}
