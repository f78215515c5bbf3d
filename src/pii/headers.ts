import type { EntityType } from './types';

/**
 * What a column header says, in English, Spanish, French, German, Italian, Portuguese and Dutch.
 * A hint only: classify.ts lets content overrule it. `NONE` means the header names something
 * that is not personal (an id, a SKU, an amount), which makes weak content evidence count less.
 */
export type HeaderHint = EntityType | 'NONE';

export interface HeaderMeaning {
  hint?: HeaderHint;
  /** False for headers that say nothing: col_7, field3, Unnamed: 0, V12, "". */
  meaningful: boolean;
}

// Ordered: the first rule that matches wins, so specific phrases precede general words
// ("email address" before "address", "company name" before "name").
const RULES: readonly [RegExp, HeaderHint][] = [
  [/e ?mail|correo|courriel|posta elettronica/, 'EMAIL_ADDRESS'],
  [/\b(ip|ipv4|ipv6)\b|ip ?addr|ip ?adres|direccion ip|adresse ip|remote ?addr|client ?ip/, 'IP_ADDRESS'],
  [/\bmac\b|mac ?addr|hw ?addr|bssid/, 'MAC_ADDRESS'],
  [/\b(url|uri|website|homepage|web ?site|web|link|sitio web|site web|webseite)\b/, 'URL'],
  [/\biban\b|bank ?account|kontonummer|numero de cuenta|cuenta bancaria|compte bancaire|\brib\b|conto corrente/, 'IBAN_CODE'],
  [/credit ?card|card ?(number|num|no)\b|\bcc ?(num|number|no)\b|\bpan\b|kreditkart|tarjeta|carte (bancaire|de credit)|carta di credito|cartao/, 'CREDIT_CARD'],
  [/\bssn\b|social security|seguro social/, 'US_SSN'],
  [/\bnino\b|national insurance|\bni (number|no)\b/, 'UK_NINO'],
  [/\bnhs\b/, 'UK_NHS'],
  [/(place|city|country|town|lieu|lugar|luogo|local) (of )?(de )?(di )?(birth|nacimiento|naissance|nascita|nascimento)|geburtsort|birth ?place/, 'LOCATION'],
  [/\bdob\b|birth|\bborn\b|geburt|geboren|nacimiento|naissance|nascita|nascimento|geboorte|\bf ?nac\b|fecha nac|\bddn\b/, 'DATE_OF_BIRTH'],
  [/passw|\bpwd\b|secret|token|api ?key|access ?key|private ?key|credential|contrasena|mot de passe|kennwort|\bauth\b|clave/, 'SECRET'],
  [/phone|\btel\b|telef|\bmobile?\b|\bcell\b|\bhandy\b|movil|portable|cellulare|\bfax\b|\bgsm\b|rufnummer|telemovel|\bmobil\b/, 'PHONE_NUMBER'],
  [
    /nationalit|citizenship|nacionalidad|staatsangehorigkeit|nazionalita|nacionalidade|nationaliteit|religio|\bfaith\b|konfession|ethnic|\brace\b|political|partei|party affiliation/,
    'NRP',
  ],
  [
    /company|employer|organi[sz]ation|\bfirm\b|firma|unternehmen|arbeitgeber|empresa|societe|entreprise|azienda|\bbusiness\b|vendor|supplier|\bbrand\b|\borg\b|bedrijf/,
    'ORGANIZATION',
  ],
  [
    /(user|product|file|host|domain|app|project|model|dataset|column|table|event|category|device|server|display|team|job|department|item|brand|bank|street|city|country|course|pet|artikel|produit|producto) ?name/,
    'NONE',
  ],
  [
    /street|\baddr|address|strasse|anschrift|adresse|direccion|domicilio|\bcalle\b|\brue\b|indirizzo|morada|endereco|\badres\b|\bstraat\b|wohnort/,
    'STREET_ADDRESS',
  ],
  [
    /\b(city|town|ciudad|ville|stadt|\bort\b|citta|cidade|plaats|country|pais|pays|land|paese|state|province|provincia|region|county|bundesland|municipio|localidad|location|ubicacion|lieu|standort|place|village|gemeinde|comune|localita)\b/,
    'LOCATION',
  ],
  [
    /\b(name|names|nombre|nombres|nom|noms|vorname|nachname|surname|firstname|lastname|given name|family name|apellido|apellidos|prenom|cognome|nome|naam|achternaam|voornaam|fullname|full name|customer|client|cliente|kunde|patient|paciente|employee|empleado|mitarbeiter|contact|author|owner|recipient|sender|person|persona|titular|holder)\b/,
    'PERSON',
  ],
  [/\b(date|time|timestamp|datetime|created|updated|modified|datum|fecha|zeit|heure|hora|data|ts|at|on|day|month|year)\b/, 'DATE_TIME'],
  [
    /\b(id|uuid|guid|sku|ean|upc|isbn|version|ver|hash|checksum|sha\d*|md5|score|rating|amount|price|cost|qty|quantity|count|total|status|code|order|invoice|product|item|ref|reference|number|num|no|lorem|description|comment|notes?|text|color|colour|size|weight|flag|type|kind|level|rank|percent|ratio|rate|value|balance|salary)\b/,
    'NONE',
  ],
];

const MEANINGLESS = /^(?:col(?:umn)?|field|feld|campo|champ|var(?:iable)?|attr(?:ibute)?|unnamed|x|c|f|v|v_|x_|untitled|header|h)?\s*:?\s*\d*$/;

/** Lower case, no diacritics, camelCase and separators turned into single spaces. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function readHeader(header: string): HeaderMeaning {
  const h = normalizeHeader(header);
  if (MEANINGLESS.test(h) || h.length <= 1) return { meaningful: false };
  for (const [re, hint] of RULES) if (re.test(h)) return { hint, meaningful: true };
  return { meaningful: true };
}
