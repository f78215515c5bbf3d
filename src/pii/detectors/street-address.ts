import type { Span } from '../types';
import { fold } from './lexicon';

// Street-type words: USPS Publication 28 suffixes (common subset) and their German, Spanish,
// Catalan, French, Italian, Portuguese, Dutch and Polish counterparts.
const STREET_WORDS = new Set(
  (
    'street st avenue ave av road rd lane ln drive dr boulevard blvd court ct place pl square sq way terrace ter crescent cres close ' +
    'parkway pkwy highway hwy alley aly circle cir trail trl row walk mews grove gardens gdns hill view park plaza plz pike turnpike ' +
    'expressway freeway route causeway bypass crossing xing mission points point ridge ridges fork forks spur stravenue trafficway ' +
    'loop bridge brook burg camp canyon cape center centre cliff club common corner course cove creek crest dale dam divide estate ' +
    'estates extension falls ferry field fields flat flats ford forest fort freeway garden gateway glen green harbor haven heights ' +
    'hollow inlet island isle junction key knoll knolls lake lakes landing light lights lock locks manor meadow meadows mill mills mount ' +
    'mountain neck orchard oval overpass pass passage path pine pines plain plains port prairie radial ramp ranch rapid rapids rest ' +
    'river shoal shoals shore shores skyway spring springs station stream summit throughway trace track tunnel underpass union valley ' +
    'viaduct village ville vista wall well wells motorway' +
    ' strasse str weg gasse platz allee ring damm ufer chaussee pfad steig markt graben zeile' +
    ' calle c avenida avda plaza paseo camino carretera ronda travesia glorieta carrer rambla passeig cami acceso alameda arroyo bajada' +
    ' barrio bulevar calleja callejon canada carrera cuesta jardines pasaje plazuela poligono prolongacion senda sendero subida' +
    ' urbanizacion paraje partida colonia explanada muelle rinconada vereda' +
    ' rue bd boulevard chemin allee impasse quai cours passage sentier voie' +
    ' via viale piazza piazzale corso vicolo largo strada contrada borgo rotonda incrocio lungomare' +
    ' rua travessa praca estrada alameda rodovia marginal ladeira' +
    ' straat laan plein gracht kade singel dreef steeg' +
    ' ulica ul aleja al osiedle'
  ).split(' '),
);
// German and Dutch write the street type into the name: "Hauptstraße", "Kerkstraat".
const COMPOUND = /(?:strasse|straße|str|weg|gasse|platz|allee|ring|damm|ufer|pfad|straat|laan|plein|gracht|kade|singel|dijk|dreef|steeg|markt)\.?$/i;
const SECONDARY = /^(?:apt|apartment|suite|ste|unit|flat|floor|fl|piso|puerta|etage|wohnung|bloque|escalera|bis|ter)\.?$/i;

const NUMBER = /^\d{1,6}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?,?$|^(?:no|nº|n°|nr)\.?\d{1,5},?$|^s\/n\.?,?$/i;
const WORD = /^[\p{L}][\p{L}'’.-]*,?$/u;

function isStreetWord(token: string): boolean {
  const bare = fold(token.replace(/[.,]$/g, ''));
  return STREET_WORDS.has(bare) || COMPOUND.test(bare.slice(-8));
}

/**
 * A street and house number in either order ("221B Baker Street", "Hauptstraße 5",
 * "Calle Mayor, 12", "12 rue de la Paix"), optionally followed by a secondary unit or a city.
 */
export function streetAddressScore(value: string): number {
  if (value.length < 5 || value.length > 120) return 0;
  const parts = value.split(/\s+/);
  if (parts.length < 2 || parts.length > 14) return 0;
  let numberIndex = -1;
  let words = 0;
  let streetWord = false;
  let otherDigits = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (NUMBER.test(p)) {
      if (numberIndex < 0) numberIndex = i;
      else otherDigits++;
      continue;
    }
    if (SECONDARY.test(p)) continue;
    if (WORD.test(p) || /^\d{1,2}[ºª°]/.test(p)) {
      words++;
      if (isStreetWord(p)) streetWord = true;
      continue;
    }
    if (/\d/.test(p)) otherDigits++;
    else if (!/^[-–,#]$/.test(p)) return 0;
  }
  if (numberIndex < 0 || words === 0) return 0;
  if (streetWord) return otherDigits > 3 ? 0.5 : 0.9;
  // "5961 Kassulke Mission" or "Colegio Mayte 43" without a known street word: weak, for the
  // header to confirm. The number must open or close the words.
  const capitalised = /^\p{Lu}/u.test(parts[numberIndex === 0 ? 1 : 0] ?? '');
  const edge = numberIndex === 0 || numberIndex === parts.length - 1 || /,$/.test(parts[numberIndex - 1]!);
  return edge && capitalised && words >= 2 && words <= 5 && otherDigits === 0 ? 0.45 : 0;
}

const INSIDE =
  /\b\d{1,5}[A-Za-z]?\s+(?:\p{Lu}[\p{L}'.-]*\s+){0,3}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Court|Ct\.?|Place|Way|Terrace|Close|Crescent)\b|\b\p{Lu}[\p{L}-]*(?:straße|strasse|str\.|weg|gasse|platz|allee)\s+\d{1,4}[a-z]?\b|\b(?:rue|avenue|boulevard|calle|avenida|via|viale|piazza|plaza|paseo)\s+(?:[\p{L}'-]+\s+){1,4}\d{1,4}\b|\b\d{1,4},?\s+(?:rue|avenue|boulevard|chemin|allée|impasse)\s+(?:[\p{L}'-]+\s*){1,5}/gu;

export function findStreetAddresses(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(INSIDE)) spans.push({ type: 'STREET_ADDRESS', start: m.index, end: m.index + m[0].trimEnd().length, score: 0.75 });
  return spans;
}
