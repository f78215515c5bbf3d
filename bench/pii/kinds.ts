import type { Faker } from '@faker-js/faker';
import type { PersonalType } from '../../src/pii/types';

/**
 * Column kinds of the benchmark tables: what a generated column holds, its true personal-data
 * labels, and the headers people give such columns (informative English, other languages).
 * Labels describe the content; a header never changes a label.
 */
export interface ColumnKind {
  id: string;
  labels: readonly PersonalType[];
  headers: readonly string[];
  foreignHeaders: readonly string[];
  value(f: Faker, rnd: () => number): string;
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const digits = (rnd: () => number, n: number): string => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');

function luhnCheck(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function ssn(rnd: () => number): string {
  let area: number;
  do area = 1 + Math.floor(rnd() * 899);
  while (area === 666);
  const group = 1 + Math.floor(rnd() * 99);
  const serial = 1 + Math.floor(rnd() * 9999);
  const parts = [String(area).padStart(3, '0'), String(group).padStart(2, '0'), String(serial).padStart(4, '0')];
  return rnd() < 0.85 ? parts.join('-') : parts.join(' ');
}

function nino(rnd: () => number): string {
  const first = 'ABCEGHJKLMNOPRSTWXYZ';
  const second = 'ABCEGHJKLMNPRSTWXYZ';
  let prefix: string;
  do prefix = pick(rnd, [...first]) + pick(rnd, [...second]);
  while (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(prefix));
  const d = digits(rnd, 6);
  const suffix = pick(rnd, ['A', 'B', 'C', 'D']);
  return rnd() < 0.5 ? `${prefix}${d}${suffix}` : `${prefix} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${suffix}`;
}

function nhs(rnd: () => number): string {
  for (;;) {
    const body = digits(rnd, 9);
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
    let check = 11 - (sum % 11);
    if (check === 11) check = 0;
    if (check === 10) continue;
    const n = body + check;
    return rnd() < 0.7 ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : n;
  }
}

function orderId(rnd: () => number): string {
  // 16 digits that fail Luhn: the classic false positive of card detectors.
  const body = String(1 + Math.floor(rnd() * 9)) + digits(rnd, 14);
  const bad = (luhnCheck(body) + 1 + Math.floor(rnd() * 9)) % 10;
  return body + bad;
}

function formatDate(d: Date, rnd: () => number, f: Faker): string {
  const y = d.getUTCFullYear();
  const m = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return `${y}-${m}-${day}`;
    case 1:
      return `${day}.${m}.${y}`;
    case 2:
      return `${day}/${m}/${y}`;
    default:
      return `${Number(day)} ${f.date.month({ abbreviated: rnd() < 0.5 })} ${y}`;
  }
}

const NATIONALITIES = [
  'German',
  'French',
  'Spanish',
  'Italian',
  'British',
  'American',
  'Canadian',
  'Mexican',
  'Brazilian',
  'Chinese',
  'Indian',
  'Japanese',
  'Polish',
  'Dutch',
  'Turkish',
  'Moroccan',
  'Nigerian',
  'Portuguese',
  'Swedish',
  'Irish',
  'deutsch',
  'française',
  'española',
  'italiana',
  'mexicano',
];
const RELIGIONS = ['Christian', 'Catholic', 'Protestant', 'Muslim', 'Jewish', 'Hindu', 'Buddhist', 'Sikh', 'Atheist', 'Orthodox', 'None'];
const SECRET_PREFIXES = ['ghp_', 'sk_live_', 'xoxb-', 'glpat-', 'hf_', ''];

export const PII_KINDS: readonly ColumnKind[] = [
  {
    id: 'full_name',
    labels: ['PERSON'],
    headers: ['name', 'full_name', 'customer_name', 'CustomerName', 'patient', 'contact_person'],
    foreignHeaders: ['Nombre', 'nom_complet', 'Kunde', 'nominativo', 'naam'],
    value: (f) => f.person.fullName(),
  },
  {
    id: 'first_name',
    labels: ['PERSON'],
    headers: ['first_name', 'firstName', 'given_name'],
    foreignHeaders: ['Vorname', 'prénom', 'nombre', 'nome'],
    value: (f) => f.person.firstName(),
  },
  {
    id: 'last_name',
    labels: ['PERSON'],
    headers: ['last_name', 'surname', 'family_name'],
    foreignHeaders: ['Nachname', 'apellido', 'nom_de_famille', 'cognome'],
    value: (f) => f.person.lastName(),
  },
  {
    id: 'email',
    labels: ['EMAIL_ADDRESS'],
    headers: ['email', 'e-mail', 'EmailAddress', 'contact_email'],
    foreignHeaders: ['correo', 'courriel', 'E-Mail-Adresse', 'posta_elettronica'],
    value: (f) => f.internet.email(),
  },
  {
    id: 'phone',
    labels: ['PHONE_NUMBER'],
    headers: ['phone', 'phone_number', 'mobile', 'tel'],
    foreignHeaders: ['Telefon', 'teléfono', 'portable', 'cellulare', 'Telefonnummer'],
    value: (f, r) => f.phone.number({ style: r() < 0.3 ? 'international' : 'human' }),
  },
  {
    id: 'card',
    labels: ['CREDIT_CARD'],
    headers: ['credit_card', 'card_number', 'cc_num', 'pan'],
    foreignHeaders: ['Kreditkarte', 'tarjeta', 'numero_carte'],
    value: (f) => f.finance.creditCardNumber(),
  },
  {
    id: 'iban',
    labels: ['IBAN_CODE'],
    headers: ['iban', 'bank_account', 'IBAN'],
    foreignHeaders: ['Kontonummer', 'cuenta_bancaria', 'compte_bancaire'],
    value: (f, r) => f.finance.iban({ formatted: r() < 0.5 }),
  },
  { id: 'ssn', labels: ['US_SSN'], headers: ['ssn', 'social_security_number', 'SSN'], foreignHeaders: ['numero_seguro_social'], value: (_f, r) => ssn(r) },
  { id: 'nino', labels: ['UK_NINO'], headers: ['nino', 'national_insurance_number', 'ni_number'], foreignHeaders: ['NI'], value: (_f, r) => nino(r) },
  { id: 'nhs', labels: ['UK_NHS'], headers: ['nhs_number', 'NHS No'], foreignHeaders: ['nhs'], value: (_f, r) => nhs(r) },
  {
    id: 'ipv4',
    labels: ['IP_ADDRESS'],
    headers: ['ip', 'ip_address', 'client_ip', 'remote_addr'],
    foreignHeaders: ['direccion_ip', 'adresse_ip', 'IP-Adresse'],
    value: (f) => f.internet.ipv4(),
  },
  { id: 'ipv6', labels: ['IP_ADDRESS'], headers: ['ipv6', 'ip6_address'], foreignHeaders: ['adresse_ipv6'], value: (f) => f.internet.ipv6() },
  {
    id: 'mac',
    labels: ['MAC_ADDRESS'],
    headers: ['mac', 'mac_address', 'device_mac'],
    foreignHeaders: ['MAC-Adresse', 'direccion_mac'],
    value: (f, r) => f.internet.mac({ separator: pick(r, [':', '-']) }),
  },
  {
    id: 'city',
    labels: ['LOCATION'],
    headers: ['city', 'town', 'home_city'],
    foreignHeaders: ['Stadt', 'ciudad', 'ville', 'città', 'Wohnort'],
    value: (f) => f.location.city(),
  },
  {
    id: 'country',
    labels: ['LOCATION'],
    headers: ['country', 'country_of_residence'],
    foreignHeaders: ['Land', 'país', 'pays', 'paese'],
    value: (f) => f.location.country(),
  },
  {
    id: 'street',
    labels: ['STREET_ADDRESS'],
    headers: ['address', 'street_address', 'street', 'address_line_1'],
    foreignHeaders: ['Straße', 'dirección', 'adresse', 'indirizzo', 'Anschrift'],
    value: (f, r) => f.location.streetAddress(r() < 0.3),
  },
  {
    id: 'dob',
    labels: ['DATE_OF_BIRTH'],
    headers: ['dob', 'date_of_birth', 'birthdate', 'birthday'],
    foreignHeaders: ['Geburtsdatum', 'fecha_de_nacimiento', 'date_de_naissance', 'data_di_nascita'],
    value: (f, r) => formatDate(f.date.birthdate(), r, f),
  },
  {
    id: 'nationality',
    labels: ['NRP'],
    headers: ['nationality', 'citizenship'],
    foreignHeaders: ['Staatsangehörigkeit', 'nacionalidad', 'nationalité'],
    value: (_f, r) => pick(r, NATIONALITIES),
  },
  { id: 'religion', labels: ['NRP'], headers: ['religion', 'faith'], foreignHeaders: ['Konfession', 'religión'], value: (_f, r) => pick(r, RELIGIONS) },
  {
    id: 'api_key',
    labels: ['SECRET'],
    headers: ['api_key', 'token', 'access_token', 'secret'],
    foreignHeaders: ['clave_api', 'Zugangsschlüssel'],
    value: (f, r) => {
      const prefix = pick(r, SECRET_PREFIXES);
      return prefix === 'ghp_' ? prefix + f.string.alphanumeric(36) : prefix + f.string.alphanumeric(24 + Math.floor(r() * 16));
    },
  },
  {
    id: 'notes_pii',
    labels: ['PERSON', 'EMAIL_ADDRESS', 'PHONE_NUMBER'],
    headers: ['notes', 'comments', 'description', 'support_ticket'],
    foreignHeaders: ['Bemerkungen', 'comentarios', 'remarques'],
    value: (f, r) => {
      const parts = [f.lorem.sentence()];
      const x = r();
      if (x < 0.35) parts.push(`Please contact ${f.person.fullName()} about the order.`);
      else if (x < 0.6) parts.push(`Reply to ${f.internet.email()} before Friday.`);
      else if (x < 0.8) parts.push(`Customer called from ${f.phone.number({ style: 'international' })} yesterday.`);
      parts.push(f.lorem.sentence());
      return parts.join(' ');
    },
  },
];

export const CLEAN_KINDS: readonly ColumnKind[] = [
  {
    id: 'order_id',
    labels: [],
    headers: ['order_id', 'order_number', 'transaction_id'],
    foreignHeaders: ['Bestellnummer', 'numero_pedido'],
    value: (_f, r) => orderId(r),
  },
  {
    id: 'sku',
    labels: [],
    headers: ['sku', 'product_code', 'item_no'],
    foreignHeaders: ['Artikelnummer', 'referencia'],
    value: (f) => `${f.string.alpha({ length: 3, casing: 'upper' })}-${f.string.numeric(5)}-${f.string.alphanumeric({ length: 2, casing: 'upper' })}`,
  },
  { id: 'version', labels: [], headers: ['version', 'app_version', 'model_version'], foreignHeaders: ['Versionsnummer'], value: (f) => f.system.semver() },
  {
    id: 'timestamp',
    labels: [],
    headers: ['created_at', 'updated_at', 'timestamp', 'event_time'],
    foreignHeaders: ['Zeitstempel', 'fecha_hora'],
    value: (f) => f.date.recent({ days: 400 }).toISOString(),
  },
  {
    id: 'order_date',
    labels: [],
    headers: ['order_date', 'ship_date', 'due_date'],
    foreignHeaders: ['Bestelldatum', 'fecha_pedido'],
    value: (f, r) => formatDate(f.date.recent({ days: 900 }), r, f),
  },
  {
    id: 'score',
    labels: [],
    headers: ['score', 'risk_score', 'probability'],
    foreignHeaders: ['Punktzahl', 'puntuación'],
    value: (f) => String(f.number.float({ min: 0, max: 1, fractionDigits: 4 })),
  },
  { id: 'amount', labels: [], headers: ['amount', 'price', 'total'], foreignHeaders: ['Betrag', 'importe', 'montant'], value: (f) => f.commerce.price() },
  {
    id: 'count',
    labels: [],
    headers: ['quantity', 'count', 'visits'],
    foreignHeaders: ['Menge', 'cantidad'],
    value: (f) => String(f.number.int({ max: 5000 })),
  },
  { id: 'sha', labels: [], headers: ['commit', 'sha', 'checksum', 'hash'], foreignHeaders: ['Prüfsumme'], value: (f) => f.git.commitSha() },
  {
    id: 'md5',
    labels: [],
    headers: ['md5', 'file_hash', 'etag'],
    foreignHeaders: ['hash_fichier'],
    value: (f) => f.string.hexadecimal({ length: 32, casing: 'lower', prefix: '' }),
  },
  { id: 'uuid', labels: [], headers: ['id', 'uuid', 'session_id', 'request_id'], foreignHeaders: ['identificador'], value: (f) => f.string.uuid() },
  {
    id: 'company',
    labels: [],
    headers: ['company', 'employer', 'vendor', 'supplier'],
    foreignHeaders: ['Firma', 'empresa', 'entreprise', 'azienda'],
    value: (f) => f.company.name(),
  },
  {
    id: 'lorem',
    labels: [],
    headers: ['description', 'comment', 'summary', 'text'],
    foreignHeaders: ['Beschreibung', 'descripción', 'résumé'],
    value: (f) => f.lorem.sentences({ min: 1, max: 3 }),
  },
  {
    id: 'product',
    labels: [],
    headers: ['product', 'product_name', 'item'],
    foreignHeaders: ['Produkt', 'producto', 'produit'],
    value: (f) => f.commerce.productName(),
  },
  { id: 'job', labels: [], headers: ['job_title', 'role', 'position'], foreignHeaders: ['Beruf', 'puesto', 'poste'], value: (f) => f.person.jobTitle() },
  {
    id: 'status',
    labels: [],
    headers: ['status', 'state_code', 'flag'],
    foreignHeaders: ['Zustand', 'estado'],
    value: (_f, r) => pick(r, ['active', 'inactive', 'pending', 'closed', 'ACTIVE', 'N', 'Y']),
  },
  { id: 'color', labels: [], headers: ['color', 'colour'], foreignHeaders: ['Farbe', 'couleur'], value: (f) => f.color.human() },
  { id: 'url', labels: [], headers: ['url', 'website', 'homepage'], foreignHeaders: ['sitio_web', 'Webseite'], value: (f) => f.internet.url() },
  { id: 'department', labels: [], headers: ['department', 'team'], foreignHeaders: ['Abteilung', 'departamento'], value: (f) => f.commerce.department() },
];

/** Headers that say nothing about the content. */
export function meaninglessHeader(i: number, rnd: () => number): string {
  return pick(rnd, [`col_${i + 1}`, `field${i + 1}`, `V${i + 1}`, `Unnamed: ${i}`, `c${i}`, `attr_${i + 1}`]);
}
