// Marking text → Marking. Accepts the banner and the portion form, abbreviations and register
// titles, any case and spacing, "/" or "//" between parts. Every rejection names the token as
// typed and its position, and says which rule of the policy it breaks; nothing is guessed.
import { MarkingError } from './errors';
import {
  CONTROL_KINDS,
  LIST_CONTROLS,
  RELEASE_CONTROLS,
  canonicalNames,
  canonicalRelTo,
  defaultPolicy,
  expandName,
  findLevel,
  listWords,
  unknownLevel,
} from './policy';
import type { ClassificationLevel, CompartmentRule, ControlKind, MarkingPolicy } from './policy';
import type { Marking } from './types';

/** A piece of the input: `text` as typed, `start` its index in the whole input. */
interface Token {
  text: string;
  upper: string;
  start: number;
}

interface Found {
  kind: ControlKind;
  token: Token;
  list: Token[];
}

interface Compartment {
  token: Token;
  /** As the marking carries it: 'SI', 'RSV-ABC'. */
  code: string;
  rule: CompartmentRule;
}

// The same few markings are parsed over and over (every stored envelope, every create), so
// results are kept per policy and text; callers get a copy, free to add an originator.
const parsed = new WeakMap<MarkingPolicy, Map<string, Marking>>();
const PARSED_LIMIT = 4096;

export function parseMarking(text: string, policy: MarkingPolicy = defaultPolicy): Marking {
  let cache = parsed.get(policy);
  if (!cache) parsed.set(policy, (cache = new Map()));
  let m = cache.get(text);
  if (!m) {
    m = parseText(text, policy);
    if (cache.size >= PARSED_LIMIT) cache.clear();
    cache.set(text, m);
  }
  return { ...m, compartments: [...m.compartments], relTo: [...m.relTo], displayOnly: [...m.displayOnly] };
}

function parseText(text: string, policy: MarkingPolicy): Marking {
  const [from, to] = unwrapParentheses(text);
  if (text[from] === '/') throw nonUsClassification(leadingClassification(text, from, to), policy);
  const [levelPiece, ...pieces] = splitOnSlashes(text, from, to);
  const level = parseLevel(tokenize(levelPiece!), levelPiece!, policy);
  const compartments: Compartment[] = [];
  const found = new Map<ControlKind, Found>();
  for (const piece of pieces) {
    const tokens = tokenize(piece);
    const control = matchControl(tokens, policy);
    if (control) {
      const [kind, length] = control;
      const token = joinTokens(tokens.slice(0, length), text);
      const spelling = policy.controls[kind].banner;
      if (found.has(kind)) {
        const hint = LIST_CONTROLS.has(kind) ? `: list every nation in one ${spelling}` : '';
        throw new MarkingError(`${spelling} appears twice${hint}.`, token.text, token.start);
      }
      const rest = tokens.slice(length);
      if (LIST_CONTROLS.has(kind)) found.set(kind, { kind, token, list: parseList(rest, token, spelling, policy) });
      else if (rest[0]) throw new MarkingError(`"${rest[0].text}" cannot follow ${spelling}: separate controls with "/".`, rest[0].text, rest[0].start);
      else found.set(kind, { kind, token, list: [] });
    } else {
      compartments.push(parseCompartment(tokens, piece, text, policy));
    }
  }
  checkCombinations(level, compartments, found, policy);
  return {
    classification: level.code,
    compartments: [...new Set(compartments.map((c) => c.code))].sort(),
    noforn: found.has('noforn'),
    relTo: canonicalRelTo((found.get('relTo')?.list ?? []).map((t) => t.upper), policy),
    relido: found.has('relido'),
    orcon: found.has('orcon'),
    displayOnly: canonicalNames((found.get('displayOnly')?.list ?? []).map((t) => t.upper), policy),
  };
}

/** The [from, to) range inside the portion-mark parentheses, or of the whole trimmed text. */
function unwrapParentheses(text: string): [number, number] {
  let from = 0;
  let to = text.length;
  while (from < to && isSpaceAt(text, from)) from++;
  while (to > from && isSpaceAt(text, to - 1)) to--;
  if (from === to) throw emptyMarking('', 0);
  const opens = text[from] === '(';
  const closes = to > from && text[to - 1] === ')';
  if (opens && !closes) {
    const close = text.indexOf(')', from);
    if (close < 0) throw new MarkingError('The portion mark opens "(" but never closes it.', '(', from);
    const after = trimmed(text, close + 1, to)!;
    throw new MarkingError('Nothing may follow the closing ")" of a portion mark.', after.text, after.start);
  }
  if (closes && !opens) throw new MarkingError('The marking closes ")" that was never opened.', ')', to - 1);
  if (opens) {
    from++;
    to--;
  }
  let first = from;
  while (first < to && isSpaceAt(text, first)) first++;
  if (first === to) throw emptyMarking(text.slice(from - 1, to + 1), from - 1);
  return [from, to];
}

function emptyMarking(token: string, position: number): MarkingError {
  return new MarkingError('The marking is empty: it needs at least a classification such as UNCLASSIFIED.', token, position);
}

/** A CAPCO non-US classification starts with "//" (//NATO SECRET, //DEU S): the slashes and the piece after them. */
function leadingClassification(text: string, from: number, to: number): Token {
  let end = from;
  while (end < to && text[end] === '/') end++;
  while (end < to && text[end] !== '/') end++;
  return trimmed(text, from, end)!;
}

function nonUsClassification(token: Token, policy: MarkingPolicy): MarkingError {
  const names = policy.levels.map((l) => l.name);
  return new MarkingError(
    `"${token.text}" is not supported by this cell's marking policy: it uses only the US classifications ${listWords(names, 'and')}, not non-US, NATO, JOINT or CUI markings.`,
    token.text,
    token.start,
  );
}

function notSupported(token: Token, policy: MarkingPolicy): MarkingError {
  const compartments = [...policy.compartments.values()].map((rule) => (rule.subCompartment ? `${rule.code}-…` : rule.code));
  const controls = CONTROL_KINDS.map((kind) => policy.controls[kind].banner);
  return new MarkingError(
    `"${token.text}" is not supported by this cell's marking policy, which uses only the SCI compartments ${listWords(compartments, 'and')} and the dissemination controls ${listWords(controls, 'and')}.`,
    token.text,
    token.start,
  );
}

/** Whether the words start with an entry of a not-supported list ("-" at its end: a prefix). */
function isNotSupported(tokens: Token[], entries: readonly string[]): boolean {
  const words = tokens.map((t) => t.upper).join(' ');
  return entries.some((entry) => (entry.endsWith('-') ? words.startsWith(entry) : words === entry || words.startsWith(`${entry} `)));
}

/** Splits on "/" and "//" into trimmed, non-empty pieces. */
function splitOnSlashes(text: string, from: number, to: number): Token[] {
  const pieces: Token[] = [];
  let previous: Token | undefined;
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i < to && text[i] !== '/') continue;
    const separatorStart = i;
    while (i < to && text[i] === '/') i++;
    const separator = makeToken(text.slice(separatorStart, i), separatorStart);
    const piece = trimmed(text, start, separatorStart);
    if (!piece) {
      if (!previous) throw new MarkingError(`The marking must start with a classification, not "${separator.text}".`, separator.text, separator.start);
      if (separatorStart === to) throw new MarkingError(`Nothing follows the last "${previous.text}": remove it or add what is missing.`, previous.text, previous.start);
      throw new MarkingError(`Nothing between two separators: remove the extra "${separator.text}".`, separator.text, separator.start);
    }
    pieces.push(piece);
    if (separator.text.length > 2) {
      throw new MarkingError(`Use "//" between categories and "/" between controls, not "${separator.text}".`, separator.text, separator.start);
    }
    previous = separator;
    start = i;
    if (separatorStart === to) break;
    i--;
  }
  return pieces;
}

function trimmed(text: string, from: number, to: number): Token | undefined {
  while (from < to && isSpaceAt(text, from)) from++;
  while (to > from && isSpaceAt(text, to - 1)) to--;
  return from < to ? makeToken(text.slice(from, to), from) : undefined;
}

/** Same characters as the regular expression `\s`, without a regex call for plain ASCII. */
function isSpaceAt(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  return code >= 0xa0 && /\s/.test(text[i]!);
}

function makeToken(text: string, start: number): Token {
  return { text, upper: text.toUpperCase(), start };
}

/** Words and commas of a piece, with their positions in the whole input. */
function tokenize(piece: Token): Token[] {
  const tokens: Token[] = [];
  for (const match of piece.text.matchAll(/,|[^\s,]+/g)) tokens.push(makeToken(match[0], piece.start + match.index));
  return tokens;
}

/** One token spanning several adjacent ones, as typed. */
function joinTokens(tokens: Token[], text: string): Token {
  const first = tokens[0]!;
  const last = tokens.at(-1)!;
  return makeToken(text.slice(first.start, last.start + last.text.length), first.start);
}

function parseLevel(tokens: Token[], piece: Token, policy: MarkingPolicy): ClassificationLevel {
  const words = tokens.map((t) => t.upper);
  const level = findLevel(words.join(' '), policy);
  if (level) return level;
  for (let length = tokens.length - 1; length > 0; length--) {
    if (findLevel(words.slice(0, length).join(' '), policy)) {
      const next = tokens[length]!;
      throw new MarkingError(`Put "//" between the classification and "${next.text}".`, next.text, next.start);
    }
  }
  if (expandName(words[0]!, policy) || isNotSupported(tokens, policy.notSupported.levels)) throw nonUsClassification(piece, policy);
  throw unknownLevel(piece.text, piece.start, policy);
}

const aliasTables = new WeakMap<MarkingPolicy, [string[], ControlKind][]>();

/** Every control spelling as words, longest first, so "REL TO" wins over "REL". */
function aliasTable(policy: MarkingPolicy): [string[], ControlKind][] {
  let table = aliasTables.get(policy);
  if (!table) {
    table = CONTROL_KINDS.flatMap((kind) => policy.controls[kind].aliases.map((alias): [string[], ControlKind] => [alias.split(' '), kind]));
    table.sort((a, b) => b[0].length - a[0].length);
    aliasTables.set(policy, table);
  }
  return table;
}

/** The control the piece starts with and how many tokens its name takes. */
function matchControl(tokens: Token[], policy: MarkingPolicy): [ControlKind, number] | undefined {
  for (const [words, kind] of aliasTable(policy)) {
    if (words.length <= tokens.length && words.every((word, i) => tokens[i]!.upper === word)) return [kind, words.length];
  }
  return undefined;
}

function parseList(tokens: Token[], control: Token, spelling: string, policy: MarkingPolicy): Token[] {
  const items: Token[] = [];
  let previous: 'start' | 'item' | 'comma' = 'start';
  for (const token of tokens) {
    if (token.text === ',') {
      if (previous !== 'item') throw new MarkingError(`Empty entry in the ${spelling} list: remove the extra comma.`, ',', token.start);
      previous = 'comma';
      continue;
    }
    if (!expandName(token.upper, policy)) {
      throw new MarkingError(`"${token.text}" is not a country trigraph or group.`, token.text, token.start);
    }
    items.push(token);
    previous = 'item';
  }
  const last = tokens.at(-1);
  if (previous === 'comma' && last) throw new MarkingError(`The ${spelling} list ends with a comma: remove it or add the missing nation.`, ',', last.start);
  if (items.length === 0) throw new MarkingError(`${spelling} needs at least one country or group, e.g. ${spelling} USA, GBR.`, control.text, control.start);
  return items;
}

const compartmentTables = new WeakMap<MarkingPolicy, [string[], CompartmentRule][]>();

/** Every compartment code and register title as words, longest first ("TALENT KEYHOLE" before "TK"). */
function compartmentTable(policy: MarkingPolicy): [string[], CompartmentRule][] {
  let table = compartmentTables.get(policy);
  if (!table) {
    table = [...policy.compartments.values()].flatMap((rule) => [rule.code, ...rule.titles].map((name): [string[], CompartmentRule] => [name.split(' '), rule]));
    table.sort((a, b) => b[0].length - a[0].length);
    compartmentTables.set(policy, table);
  }
  return table;
}

/** The SCI system the piece starts with, how many tokens it takes, and the compartment after a "-" (RSV-ABC). */
function matchCompartment(tokens: Token[], policy: MarkingPolicy): [CompartmentRule, number, string | undefined] | undefined {
  for (const [words, rule] of compartmentTable(policy)) {
    if (words.length > tokens.length || !words.slice(0, -1).every((word, i) => tokens[i]!.upper === word)) continue;
    const last = tokens[words.length - 1]!.upper;
    const word = words.at(-1)!;
    if (last === word) return [rule, words.length, undefined];
    if (last.startsWith(`${word}-`)) return [rule, words.length, last.slice(word.length + 1)];
  }
  return undefined;
}

function parseCompartment(tokens: Token[], piece: Token, text: string, policy: MarkingPolicy): Compartment {
  const match = matchCompartment(tokens, policy);
  if (match) {
    const [rule, length, name] = match;
    const next = tokens[length];
    if (next) throw new MarkingError(`"${next.text}" cannot follow ${rule.code}: separate compartments and controls with "/".`, next.text, next.start);
    const token = joinTokens(tokens.slice(0, length), text);
    return { token, code: compartmentCode(rule, name, token, policy), rule };
  }
  const [first] = tokens as [Token];
  if (isNotSupported(tokens, policy.notSupported.controls)) throw notSupported(piece, policy);
  if (expandName(first.upper, policy)) {
    const relTo = policy.controls.relTo.banner;
    throw new MarkingError(`"${first.text}" is a country or group: put it in a ${relTo} list (${relTo} ${policy.leadNation}, ${first.upper}).`, first.text, first.start);
  }
  const controls = CONTROL_KINDS.map((kind) => policy.controls[kind].banner).join(', ');
  throw new MarkingError(`"${first.text}" is not an SCI compartment or a dissemination control (${controls}).`, first.text, first.start);
}

function compartmentCode(rule: CompartmentRule, name: string | undefined, token: Token, policy: MarkingPolicy): string {
  const sub = rule.subCompartment;
  const title = rule.titles[0] ? ` (${rule.titles[0]})` : '';
  if (name === undefined) {
    if (sub) throw new MarkingError(`${rule.code}${title} is never used alone: name its compartment, e.g. ${sub.example}.`, token.text, token.start);
    return rule.code;
  }
  if (!sub) throw notSupported(token, policy);
  if (!sub.pattern.test(name)) {
    throw new MarkingError(`"${token.text}" is not a compartment of ${rule.code}: write it as ${sub.example}, ${sub.description} after "${rule.code}-".`, token.text, token.start);
  }
  return `${rule.code}-${name}`;
}

function checkCombinations(level: ClassificationLevel, compartments: Compartment[], found: Map<ControlKind, Found>, policy: MarkingPolicy): void {
  for (const { controls: [a, b], reason } of policy.exclusive) {
    const first = found.get(a);
    const second = found.get(b);
    if (!first || !second) continue;
    const later = second.token.start > first.token.start ? second.token : first.token;
    throw new MarkingError(`${policy.controls[a].banner} cannot be combined with ${policy.controls[b].banner}: ${reason}.`, later.text, later.start);
  }
  for (const { kind, token } of found.values()) {
    const lowest = policy.controls[kind].minLevel;
    if (lowest) checkLevel(policy.controls[kind].banner, lowest, level, token, policy);
  }
  for (const { code, rule, token } of compartments) {
    checkLevel(`SCI compartment ${code}`, rule.minLevel, level, token, policy);
    if (rule.noforn && !found.has('noforn')) {
      throw new MarkingError(`${code} information is never released to other nations: mark it ${policy.controls.noforn.banner}.`, token.text, token.start);
    }
  }
  const firstCompartment = compartments[0];
  if (firstCompartment && policy.sciNeedsReleaseMarking && !RELEASE_CONTROLS.some((kind) => found.has(kind))) {
    const controls = RELEASE_CONTROLS.map((kind) => policy.controls[kind].banner);
    throw new MarkingError(
      `SCI information must say whether other nations may have it: add ${listWords(controls, 'or')} after ${firstCompartment.code}.`,
      firstCompartment.token.text,
      firstCompartment.token.start,
    );
  }
  const displayOnly = found.get('displayOnly');
  const relTo = found.get('relTo');
  if (displayOnly && relTo) {
    const released = new Set(relTo.list.flatMap((t) => expandName(t.upper, policy) ?? []));
    for (const item of displayOnly.list) {
      const overlap = (expandName(item.upper, policy) ?? []).filter((n) => released.has(n));
      if (overlap.length === 0) continue;
      const what = overlap.length === 1 && overlap[0] === item.upper ? item.upper : `${item.upper} (${overlap.join(', ')})`;
      throw new MarkingError(
        `${what} is already in ${policy.controls.relTo.banner}; ${policy.controls.displayOnly.banner} is only for nations not released to.`,
        item.text,
        item.start,
      );
    }
  }
  if (relTo) checkRelToReach(relTo, found, policy);
}

/** `what` may not mark information below the level `lowest` (a code). */
function checkLevel(what: string, lowest: string, level: ClassificationLevel, token: Token, policy: MarkingPolicy): void {
  const minimum = findLevel(lowest, policy)!;
  if (level.rank >= minimum.rank) return;
  throw new MarkingError(`${what} cannot be used on ${level.name} information: it needs ${minimum.name} or higher.`, token.text, token.start);
}

/** ISM-ID-00319: a REL TO list reaches more than one nation; REL TO USA alone is NOFORN. */
function checkRelToReach({ list }: Found, found: Map<ControlKind, Found>, policy: MarkingPolicy): void {
  const nations = new Set(list.flatMap((t) => expandName(t.upper, policy) ?? []));
  if (nations.size >= policy.relToMinNations) return;
  const relTo = policy.controls.relTo.banner;
  const item = list[0]!;
  const named = [...nations].join(', ');
  if (nations.size === 1 && nations.has(policy.leadNation)) {
    const beside = (['relido', 'displayOnly'] as const).find((kind) => found.has(kind));
    const hint = beside
      ? `leave ${relTo} out, ${policy.controls[beside].banner} says the rest`
      : `mark it ${policy.controls.noforn.banner} instead, or name the nations it is released to`;
    throw new MarkingError(`${relTo} ${named} releases to no other country: ${hint}.`, item.text, item.start);
  }
  const example = `${relTo} ${policy.leadNation}, ${[...nations].find((n) => n !== policy.leadNation) ?? item.upper}`;
  throw new MarkingError(
    `${relTo} ${named} names too few countries: list the originating nation and each nation released to, e.g. ${example}.`,
    item.text,
    item.start,
  );
}
