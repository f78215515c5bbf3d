// Word lists for names.ts, as data: space-separated ("_" joins the words of a phrase), read once into sets.

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(' ').map((w) => w.replace(/_/g, ' ')));
}

// Legal-form suffixes and connectors that make a string of surnames a company.
export const ORG_SUFFIXES = words(
  'inc llc ltd limited plc corp corporation co company group holding holdings gmbh ag kg ohg ug ev mbh se sa sas sarl sl slu srl spa bv nv ab ' +
    'as oy lp llp pty sons söhne sohne fils hijos figli associates asociados associes partners partner cie cia ltda sp kft zrt hermanos hnos ' +
    'sucesores gie eurl sasu snc sca eireli epp sccl sll gbr kgaa eg ggmbh aps asa freres fratelli irmaos gebr gebruder cooperativa stiftung ' +
    'verein',
);

export const ORG_CONNECTORS = words('and & und et y e - – +');

// Lower-case particles inside personal names ("Ludwig van Beethoven", "María de la Cruz").
export const NAME_PARTICLES = words('van von der den de del della di da dos das du la le y bin ibn al el ter zu st');

// Honorifics in the languages we read headers in (compromise knows the English ones).
export const HONORIFICS = words('mr mrs ms miss mx dr prof herr frau sr sra srta don dona m mme mlle sig sigra dott ing');

// Words that open a place name ("Lake Jaydenberg", "Bad Homburg", "Puerto Rico").
export const PLACE_PREFIXES = words(
  'lake port east west north south new fort mount saint st san santa sankt bad los las el le la les ciudad villa puerto isla bois',
);

// Religions and political groupings (demonyms come from compromise).
export const NRP_WORDS = words(
  'christian catholic protestant orthodox evangelical anglican lutheran baptist methodist mormon muslim islam sunni shia jewish judaism hindu ' +
    'buddhist sikh jain atheist agnostic taoist shinto catolico catolica cristiano cristiana musulman musulmana judio judia katholisch ' +
    'evangelisch muslimisch judisch catholique protestant musulmane juif juive democrat republican conservative liberal socialist communist green ' +
    'labour libertarian independent social_democrat christian_democrat espanol espanola mexicano mexicana argentino argentina colombiano francais ' +
    'francaise allemand allemande italien italienne espagnol espagnole anglais anglaise belge suisse deutsch deutsche deutscher franzosisch ' +
    'italienisch spanisch osterreichisch schweizerisch turkisch polnisch italiano italiana francese tedesco tedesca spagnolo brasileiro ' +
    'brasileira portugues portuguesa aleman alemana frances francesa britanico britanica estadounidense chino china japones japonesa marroqui ' +
    'rumano rumana polaco polaca',
);
