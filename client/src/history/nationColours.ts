// One colour per nation for attributed text (history, like track changes): fixed for the nations
// cells usually hold, so a nation keeps its colour from one object to the next; any other takes
// one from its letters. Light tints, so dark text stays legible on them.
const FIXED: Record<string, string> = {
  USA: '#cfe2ff',
  GBR: '#ffd6d6',
  AUS: '#d4f5d4',
  CAN: '#ffe8c7',
  NZL: '#e5d9ff',
  JPN: '#fff3b0',
  KOR: '#c9f1f5',
  POL: '#f7d4ec',
  DEU: '#e2e2c0',
};

/** Text no participant wrote as such: a release's copy, or a writer whose nation is not known. */
export const UNKNOWN_COLOUR = '#e6e6e6';

export function nationColour(nation: string | null): string {
  if (!nation) return UNKNOWN_COLOUR;
  const fixed = FIXED[nation];
  if (fixed) return fixed;
  let hash = 0;
  for (const letter of nation) hash = (hash * 31 + letter.charCodeAt(0)) % 360;
  return `hsl(${hash}, 70%, 88%)`;
}
