// Stable paragraph names: "Kilo-7QF" instead of "paragraph 3". A position count differs between
// people who see different paragraphs ("paragraph 2" for the requester is "paragraph 3" for the
// FDO) and counts the hidden ones. The name is worked out from the paragraph's id alone, so it is
// the same for everyone who can see the paragraph and says nothing about any other.

const WORDS = [
  'Alfa', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel', 'India', 'Juliett', 'Kilo', 'Lima', 'Mike',
  'November', 'Oscar', 'Papa', 'Quebec', 'Romeo', 'Sierra', 'Tango', 'Uniform', 'Victor', 'Whiskey', 'Xray', 'Yankee', 'Zulu',
] as const;
/** Crockford's base 32: no I, L, O or U, which read as 1, 1, 0 and V. */
const DIGITS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** FNV-1a, 32 bits: spreads ids (UUIDs, or any text) evenly over the names. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The name of an object (a paragraph), from its id: a phonetic word and three characters (26 × 32³ names). */
export function paragraphName(id: string): string {
  let rest = hashOf(id);
  const word = WORDS[rest % WORDS.length]!;
  rest = Math.floor(rest / WORDS.length);
  let code = '';
  for (let i = 0; i < 3; i++, rest = Math.floor(rest / DIGITS.length)) code += DIGITS[rest % DIGITS.length];
  return `${word}-${code}`;
}
