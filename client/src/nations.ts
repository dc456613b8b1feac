// Display names and flag letters of the nations Tearline's cells usually hold. Codes not listed
// still work everywhere; they just show as their trigraph.
const NATIONS: Record<string, [alpha2: string, name: string]> = {
  ALB: ['AL', 'Albania'], AUS: ['AU', 'Australia'], BEL: ['BE', 'Belgium'], BGR: ['BG', 'Bulgaria'],
  CAN: ['CA', 'Canada'], HRV: ['HR', 'Croatia'], CZE: ['CZ', 'Czechia'], DNK: ['DK', 'Denmark'],
  EST: ['EE', 'Estonia'], FIN: ['FI', 'Finland'], FRA: ['FR', 'France'], DEU: ['DE', 'Germany'],
  GRC: ['GR', 'Greece'], HUN: ['HU', 'Hungary'], ISL: ['IS', 'Iceland'], IND: ['IN', 'India'],
  ITA: ['IT', 'Italy'], JPN: ['JP', 'Japan'], KOR: ['KR', 'South Korea'], LVA: ['LV', 'Latvia'],
  LTU: ['LT', 'Lithuania'], LUX: ['LU', 'Luxembourg'], MNE: ['ME', 'Montenegro'], NLD: ['NL', 'Netherlands'],
  NZL: ['NZ', 'New Zealand'], MKD: ['MK', 'North Macedonia'], NOR: ['NO', 'Norway'], POL: ['PL', 'Poland'],
  PRT: ['PT', 'Portugal'], ROU: ['RO', 'Romania'], SVK: ['SK', 'Slovakia'], SVN: ['SI', 'Slovenia'],
  ESP: ['ES', 'Spain'], SWE: ['SE', 'Sweden'], TUR: ['TR', 'Türkiye'], GBR: ['GB', 'United Kingdom'],
  USA: ['US', 'United States'], UKR: ['UA', 'Ukraine'], ISR: ['IL', 'Israel'], SGP: ['SG', 'Singapore'],
  PHL: ['PH', 'Philippines'],
};

export function nationName(trigraph: string): string {
  return NATIONS[trigraph]?.[1] ?? trigraph;
}

/** The flag emoji (regional indicator pair), or '' when the nation is not listed. */
export function flagEmoji(trigraph: string): string {
  const alpha2 = NATIONS[trigraph]?.[0];
  if (!alpha2) return '';
  return String.fromCodePoint(...Array.from(alpha2, (letter) => 0x1f1e6 + letter.charCodeAt(0) - 65));
}
