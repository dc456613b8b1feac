// MIL-STD-2525C symbol codes (SIDC, 15 characters) for the unit and platform types a maritime and
// air picture needs most, as a searchable list. The code is stored in the feature's content
// (fields.sidc), so it reaches exactly those who may see the feature. Rendering is milsymbol's.
//   position 1: coding scheme S (warfighting); 2: affiliation; 3: battle dimension;
//   4: status P (present); 5-10: function; 11-15: modifiers (none here).

export type Affiliation = 'F' | 'H' | 'N' | 'U';

export const AFFILIATIONS: Record<Affiliation, string> = { F: 'Friend', H: 'Hostile', N: 'Neutral', U: 'Unknown' };

export type Domain = 'S' | 'U' | 'A' | 'G';

export const DOMAINS: Record<Domain, string> = { S: 'Sea surface', U: 'Subsurface', A: 'Air', G: 'Land' };

export interface SymbolType {
  /** The function part (positions 5-10). */
  fn: string;
  domain: Domain;
  label: string;
  /** Other words people search for. */
  keywords?: string;
}

export const SYMBOL_TYPES: SymbolType[] = [
  { domain: 'S', fn: '------', label: 'Surface contact (unspecified)', keywords: 'track vessel ship' },
  { domain: 'S', fn: 'CL----', label: 'Surface combatant', keywords: 'warship line' },
  { domain: 'S', fn: 'CLCV--', label: 'Aircraft carrier', keywords: 'cv cvn' },
  { domain: 'S', fn: 'CLCC--', label: 'Cruiser', keywords: 'cg' },
  { domain: 'S', fn: 'CLDD--', label: 'Destroyer', keywords: 'ddg' },
  { domain: 'S', fn: 'CLFF--', label: 'Frigate', keywords: 'ffg corvette' },
  { domain: 'S', fn: 'CA----', label: 'Amphibious warfare ship', keywords: 'landing lst lhd' },
  { domain: 'S', fn: 'CP----', label: 'Patrol craft', keywords: 'patrol boat' },
  { domain: 'S', fn: 'CM----', label: 'Mine warfare vessel', keywords: 'minesweeper mcm' },
  { domain: 'S', fn: 'XL----', label: 'Law enforcement / coast guard vessel', keywords: 'coastguard police cutter' },
  { domain: 'S', fn: 'XF----', label: 'Fishing vessel / maritime militia', keywords: 'militia trawler' },
  { domain: 'S', fn: 'XM----', label: 'Merchant ship', keywords: 'cargo tanker commercial' },
  { domain: 'U', fn: '------', label: 'Subsurface contact (unspecified)' },
  { domain: 'U', fn: 'S-----', label: 'Submarine', keywords: 'ssk ssn sub' },
  { domain: 'U', fn: 'SN----', label: 'Submarine, nuclear', keywords: 'ssn ssbn' },
  { domain: 'U', fn: 'SC----', label: 'Submarine, conventional', keywords: 'ssk diesel' },
  { domain: 'A', fn: '------', label: 'Air track (unspecified)' },
  { domain: 'A', fn: 'MFP---', label: 'Fixed-wing patrol aircraft', keywords: 'mpa p-8 maritime patrol' },
  { domain: 'A', fn: 'MFF---', label: 'Fighter', keywords: 'fixed wing jet' },
  { domain: 'A', fn: 'MFB---', label: 'Bomber' },
  { domain: 'A', fn: 'MFR---', label: 'Reconnaissance aircraft', keywords: 'isr recce' },
  { domain: 'A', fn: 'MFRW--', label: 'Airborne early warning', keywords: 'aew awacs' },
  { domain: 'A', fn: 'MFQ---', label: 'Unmanned aircraft', keywords: 'uav uas drone' },
  { domain: 'A', fn: 'MH----', label: 'Helicopter', keywords: 'rotary wing' },
  { domain: 'A', fn: 'WM----', label: 'Missile in flight', keywords: 'cruise ballistic' },
  { domain: 'G', fn: 'EWM---', label: 'Missile launcher', keywords: 'tel ssm' },
  { domain: 'G', fn: 'EWMS--', label: 'Surface-to-air missile launcher', keywords: 'sam air defence' },
  { domain: 'G', fn: 'UCD---', label: 'Air defence unit', keywords: 'ada' },
  { domain: 'G', fn: 'UCI---', label: 'Infantry' },
  { domain: 'G', fn: 'UCA---', label: 'Armour', keywords: 'tank' },
  { domain: 'G', fn: 'UCF---', label: 'Artillery', keywords: 'fires' },
  { domain: 'G', fn: 'ESR---', label: 'Radar', keywords: 'sensor' },
  { domain: 'G', fn: '------', label: 'Land unit (unspecified)' },
];

export function sidcOf(affiliation: Affiliation, type: SymbolType): string {
  return `S${affiliation}${type.domain}P${type.fn}-----`;
}

const SIDC_PATTERN = /^S[FHNU][SUAG]P[A-Z-]{6}-{5}$/;

/** The affiliation and type a stored code stands for, when it is one of the list's. */
export function readSidc(value: unknown): { affiliation: Affiliation; type: SymbolType; sidc: string } | undefined {
  if (typeof value !== 'string' || !SIDC_PATTERN.test(value)) return undefined;
  const type = SYMBOL_TYPES.find((t) => t.domain === value[2] && t.fn === value.slice(4, 10));
  return type ? { affiliation: value[1] as Affiliation, type, sidc: value } : undefined;
}

/** Types whose label or keywords contain every word of the query (case-insensitive). */
export function searchSymbolTypes(query: string): SymbolType[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return SYMBOL_TYPES.filter((type) => {
    const text = `${type.label} ${type.keywords ?? ''} ${DOMAINS[type.domain]}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}
