// A marking scheme as data: classification levels, dissemination-control spellings, SCI
// compartments, nations and groups, and the rules that combine them. The default is the
// CAPCO-style scheme of DESIGN.md; each rule names the IC-ISM schematron rule it follows.
import { MarkingError } from './errors';
import { BUILT_IN_GROUPS, ISO_3166_ALPHA3 } from './nations';

export interface ClassificationLevel {
  readonly code: string;
  readonly name: string;
  readonly rank: number;
}

export const CONTROL_KINDS = ['orcon', 'noforn', 'relTo', 'relido', 'displayOnly'] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];
/** Controls followed by a list of nations and groups. */
export const LIST_CONTROLS: ReadonlySet<ControlKind> = new Set(['relTo', 'displayOnly']);
/** Controls that are a yes or no on a marking (no list). */
export type FlagControl = 'orcon' | 'noforn' | 'relido';
/** The explicit foreign disclosure and release (FD&R) markings. */
export const RELEASE_CONTROLS: readonly ControlKind[] = ['noforn', 'relTo', 'relido', 'displayOnly'];

export interface ControlSpelling {
  readonly banner: string;
  readonly portion: string;
  /** Every accepted spelling, upper case, words separated by one space: abbreviations and register titles. */
  readonly aliases: readonly string[];
  /** Code of the lowest level the control may mark; absent: any level. */
  readonly minLevel?: string;
}

/** An SCI control system of the policy. */
export interface CompartmentRule {
  /** As written in markings and held by participants, e.g. 'KDK'. */
  readonly code: string;
  /** Register titles, upper case, accepted in place of the code and written back as the code. */
  readonly titles: readonly string[];
  /** Code of the lowest level it may mark. */
  readonly minLevel: string;
  /** Its information is never released to another nation: the marking must carry NOFORN. */
  readonly noforn: boolean;
  /**
   * Set when the system is never used alone: each marking names one of its compartments as
   * CODE-NAME (RSV-ABC), NAME matching `pattern`. Participants hold CODE-NAME, not CODE.
   */
  readonly subCompartment?: { readonly pattern: RegExp; readonly example: string; readonly description: string };
}

/** Two controls that may not mark the same information, and why, in words for the author. */
export interface ExclusiveControls {
  readonly controls: readonly [ControlKind, ControlKind];
  readonly reason: string;
}

export interface MarkingPolicySpec {
  levels: readonly ClassificationLevel[];
  controls: Readonly<Record<ControlKind, ControlSpelling>>;
  compartments: readonly CompartmentRule[];
  exclusive: readonly ExclusiveControls[];
  /** SCI must carry an explicit foreign-release marking (RELEASE_CONTROLS). */
  sciNeedsReleaseMarking: boolean;
  /** Fewest nations a REL TO list may reach, groups expanded. */
  relToMinNations: number;
  /** Controls only the lead nation's own material may carry (shared/markings/originator.ts). */
  leadNationOnly: readonly FlagControl[];
  /**
   * Words of other marking schemes (first words of a classification, controls), so that they
   * are refused as not supported by this policy rather than as typos. An entry ending in "-"
   * matches every word it starts (SAR-BP).
   */
  notSupported: { readonly levels: readonly string[]; readonly controls: readonly string[] };
  nations: readonly string[];
  /** Group name → members (nations, or groups defined earlier). */
  groups: Readonly<Record<string, readonly string[]>>;
  /** Listed first in REL TO and the originator when a marking names none. */
  leadNation: string;
}

export interface MarkingPolicy {
  readonly levels: readonly ClassificationLevel[];
  readonly controls: Readonly<Record<ControlKind, ControlSpelling>>;
  /** SCI control systems by code. */
  readonly compartments: ReadonlyMap<string, CompartmentRule>;
  readonly exclusive: readonly ExclusiveControls[];
  readonly sciNeedsReleaseMarking: boolean;
  readonly relToMinNations: number;
  readonly leadNationOnly: readonly FlagControl[];
  readonly notSupported: MarkingPolicySpec['notSupported'];
  readonly nations: ReadonlySet<string>;
  /** Group name → member nations, fully expanded and in canonical order. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly leadNation: string;
  /** Level by upper-case code or name ('TS', 'TOP SECRET'). */
  readonly levelByWord: ReadonlyMap<string, ClassificationLevel>;
  /** Canonical order of nation and group names: lead nation, other nations, then groups; each alphabetical. */
  readonly compareNames: (a: string, b: string) => number;
}

const NAME = /^[A-Z][A-Z0-9]{1,15}$/;
// The spec behind each policy, so workspace groups can be layered on any of them.
const specs = new WeakMap<MarkingPolicy, MarkingPolicySpec>();

export function createPolicy(spec: MarkingPolicySpec): MarkingPolicy {
  const nations = new Set(spec.nations);
  if (!nations.has(spec.leadNation)) throw new MarkingError(`The lead nation ${spec.leadNation} is not in the policy's nations.`, spec.leadNation);
  const levelByWord = new Map<string, ClassificationLevel>();
  for (const level of spec.levels) {
    levelByWord.set(level.code.toUpperCase(), level);
    levelByWord.set(level.name.toUpperCase(), level);
  }
  // The parser checks levels against these; a policy naming no such level could not be applied.
  for (const { code, minLevel } of [...spec.compartments, ...Object.values(spec.controls).map((c) => ({ code: c.banner, minLevel: c.minLevel }))]) {
    if (minLevel !== undefined && !levelByWord.has(minLevel)) throw new MarkingError(`${code} needs level ${minLevel}, which the policy does not define.`, minLevel);
  }
  const compareNames = (a: string, b: string): number => {
    const groupA = nations.has(a) ? (a === spec.leadNation ? 0 : 1) : 2;
    const groupB = nations.has(b) ? (b === spec.leadNation ? 0 : 1) : 2;
    return groupA - groupB || (a < b ? -1 : a > b ? 1 : 0);
  };
  const groups: Record<string, readonly string[]> = {};
  for (const [name, members] of Object.entries(spec.groups)) {
    if (!NAME.test(name)) throw new MarkingError(`"${name}" cannot name a group: use 2 to 16 capital letters or digits.`, name);
    if (nations.has(name)) throw new MarkingError(`"${name}" is a country code and cannot name a group.`, name);
    if (members.length === 0) throw new MarkingError(`Group ${name} has no members.`, name);
    const expanded = new Set<string>();
    for (const member of members) {
      if (nations.has(member)) expanded.add(member);
      else if (groups[member]) for (const nation of groups[member]) expanded.add(nation);
      else throw new MarkingError(`"${member}" in group ${name} is not a country trigraph or an earlier group.`, member);
    }
    groups[name] = [...expanded].sort(compareNames);
  }
  const policy: MarkingPolicy = {
    levels: [...spec.levels].sort((a, b) => a.rank - b.rank),
    controls: spec.controls,
    compartments: new Map(spec.compartments.map((rule) => [rule.code, rule])),
    exclusive: spec.exclusive,
    sciNeedsReleaseMarking: spec.sciNeedsReleaseMarking,
    relToMinNations: spec.relToMinNations,
    leadNationOnly: spec.leadNationOnly,
    notSupported: spec.notSupported,
    nations,
    groups,
    leadNation: spec.leadNation,
    levelByWord,
    compareNames,
  };
  specs.set(policy, spec);
  return policy;
}

export const defaultPolicySpec: MarkingPolicySpec = {
  levels: [
    { code: 'U', name: 'UNCLASSIFIED', rank: 0 },
    { code: 'C', name: 'CONFIDENTIAL', rank: 1 },
    { code: 'S', name: 'SECRET', rank: 2 },
    { code: 'TS', name: 'TOP SECRET', rank: 3 },
  ],
  // Aliases: the abbreviations, then the titles of the CAPCO register (CVEnumISMDissem).
  controls: {
    // ISM-ID-00028: ORCON marks classified information only.
    orcon: { banner: 'ORCON', portion: 'OC', aliases: ['ORCON', 'OC', 'ORIGINATOR CONTROLLED'], minLevel: 'C' },
    noforn: { banner: 'NOFORN', portion: 'NF', aliases: ['NOFORN', 'NF', 'NOT RELEASABLE TO FOREIGN NATIONALS'] },
    relTo: { banner: 'REL TO', portion: 'REL TO', aliases: ['REL TO', 'REL', 'AUTHORIZED FOR RELEASE TO'] },
    relido: { banner: 'RELIDO', portion: 'RELIDO', aliases: ['RELIDO', 'RELEASABLE BY INFORMATION DISCLOSURE OFFICIAL'] },
    displayOnly: { banner: 'DISPLAY ONLY', portion: 'DISPLAY ONLY', aliases: ['DISPLAY ONLY', 'AUTHORIZED FOR DISPLAY BUT NOT RELEASE TO'] },
  },
  // Titles from the CAPCO register (CVEnumISMSCIControls).
  compartments: [
    // ISM-ID-00048: HCS is CONFIDENTIAL or higher. ISM-ID-00049: HCS requires NOFORN.
    { code: 'HCS', titles: ['HUMINT CONTROL SYSTEM'], minLevel: 'C', noforn: true },
    // ISM-ID-00122: KLONDIKE is SECRET or higher. ISM-ID-00123: KLONDIKE requires NOFORN.
    { code: 'KDK', titles: ['KLONDIKE'], minLevel: 'S', noforn: true },
    // ISM-ID-00242: RESERVE is SECRET or higher. ISM-ID-00243: never alone, always with a
    // compartment RSV-XXX, XXX three letters or digits (CVEnumISMSCIControls). ISM-ID-00241
    // (RSV-XXX implies RSV) holds by construction: a marking carries RSV-XXX only.
    {
      code: 'RSV',
      titles: ['RESERVE'],
      minLevel: 'S',
      noforn: false,
      subCompartment: { pattern: /^[A-Z0-9]{3}$/, example: 'RSV-ABC', description: 'three letters or digits' },
    },
    // ISM-ID-00043: SI is CONFIDENTIAL or higher.
    { code: 'SI', titles: ['SPECIAL INTELLIGENCE'], minLevel: 'C', noforn: false },
    // ISM-ID-00047: TALENT KEYHOLE is SECRET or higher.
    { code: 'TK', titles: ['TALENT KEYHOLE'], minLevel: 'S', noforn: false },
  ],
  exclusive: [
    { controls: ['noforn', 'relTo'], reason: 'NOFORN means no foreign release' },
    // ISM-ID-00169: NOFORN, RELIDO and DISPLAY ONLY are mutually exclusive.
    { controls: ['noforn', 'relido'], reason: 'NOFORN means no foreign release' },
    { controls: ['noforn', 'displayOnly'], reason: 'NOFORN means no foreign release' },
    {
      controls: ['relido', 'displayOnly'],
      reason: 'RELIDO lets a disclosure official release it, DISPLAY ONLY lets the nations listed view it but never receive it; choose one',
    },
  ],
  // IC-ISM rule on explicit FD&R for SCI (ICD 710; no ISM-ID confirmed): SCI carries NOFORN,
  // REL TO, RELIDO or DISPLAY ONLY, never nothing.
  sciNeedsReleaseMarking: true,
  // ISM-ID-00319: a REL TO list names more than one country (REL TO USA alone is NOFORN).
  relToMinNations: 2,
  // ISM-ID-00124: RELIDO is not authorized for non-US portions.
  leadNationOnly: ['relido'],
  notSupported: {
    // Non-US and NATO classifications (//NATO SECRET, //DEU SECRET, //COSMIC TOP SECRET), JOINT,
    // and CUI. Country codes and groups are recognised as well (parse.ts).
    levels: ['COSMIC', 'RESTRICTED', 'JOINT', 'CUI', 'CONTROLLED'],
    // US controls of the CAPCO register outside this policy, an SCI system it lacks (ENDSEAL),
    // special access programs, atomic energy markings, and NATO's own controls.
    controls: [
      'FOUO', 'FOR OFFICIAL USE ONLY', 'PROPIN', 'PR', 'IMCON', 'IMC', 'FISA', 'NOCONTRACT', 'DSEN', 'RSEN', 'RS',
      'RISK SENSITIVE', 'EYES', 'EYES ONLY', 'LIMDIS', 'EXDIS', 'NODIS', 'SBU', 'SBU-NF', 'LES', 'LES-NF', 'FGI',
      'WAIVED', 'ACCM', 'NNPI', 'SAR', 'SAR-', 'SPECIAL ACCESS REQUIRED', 'SPECIAL ACCESS REQUIRED-', 'RD', 'RD-',
      'FRD', 'FRD-', 'CNWDI', 'TFNI', 'UCNI', 'DCNI', 'EL', 'EL-', 'ENDSEAL', 'ATOMAL', 'BOHEMIA', 'BALK',
    ],
  },
  nations: ISO_3166_ALPHA3,
  groups: BUILT_IN_GROUPS,
  leadNation: 'USA',
};

export const defaultPolicy: MarkingPolicy = createPolicy(defaultPolicySpec);

const withGroupsMemo = new WeakMap<MarkingPolicy, Map<string, MarkingPolicy>>();

/**
 * `base` plus a workspace's own groups (QUAD, FIG …). Memoised per base and group content, so
 * every call for the same workspace returns the same policy object and shares its caches.
 */
export function policyWithGroups(groups: Record<string, string[]>, base: MarkingPolicy = defaultPolicy): MarkingPolicy {
  const entries = Object.entries(groups)
    .map(([name, members]) => [name.trim().toUpperCase(), [...new Set(members.map((m) => m.trim().toUpperCase()))].sort()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return base;
  const key = JSON.stringify(entries);
  let memo = withGroupsMemo.get(base);
  if (!memo) withGroupsMemo.set(base, (memo = new Map()));
  const known = memo.get(key);
  if (known) return known;
  const baseSpec = specs.get(base);
  if (!baseSpec) throw new MarkingError('Workspace groups can only extend a policy made by createPolicy or policyWithGroups.', '');
  const added: Record<string, readonly string[]> = {};
  for (const [name, members] of entries) {
    if (baseSpec.groups[name]) throw new MarkingError(`"${name}" is a built-in group and cannot be redefined by a workspace.`, name);
    added[name] = members;
  }
  // Workspace groups may name built-in groups as members, and each other in any order.
  const ordered = Object.fromEntries(sortGroupsByDependency(added, base));
  const spec = { ...baseSpec, groups: { ...baseSpec.groups, ...ordered } };
  const policy = createPolicy(spec);
  memo.set(key, policy);
  return policy;
}

/** Orders groups so that each comes after the groups it names; createPolicy reports what remains unresolved. */
function sortGroupsByDependency(groups: Record<string, readonly string[]>, base: MarkingPolicy): [string, readonly string[]][] {
  const done: [string, readonly string[]][] = [];
  const resolved = new Set<string>();
  let pending = Object.entries(groups);
  while (pending.length > 0) {
    const ready = pending.filter(([, members]) => members.every((m) => base.nations.has(m) || base.groups[m] || resolved.has(m)));
    if (ready.length === 0) return [...done, ...pending];
    for (const [name] of ready) resolved.add(name);
    done.push(...ready);
    pending = pending.filter(([name]) => !resolved.has(name));
  }
  return done;
}

/** The level for a code or name in any case and spacing ('top  secret'), or undefined. */
export function findLevel(word: string, policy: MarkingPolicy): ClassificationLevel | undefined {
  return policy.levelByWord.get(word) ?? policy.levelByWord.get(word.trim().toUpperCase().replace(/\s+/g, ' '));
}

/** Rank of a level code or name: U=0 … TS=3 in the default policy. */
export function classificationRank(code: string, policy: MarkingPolicy = defaultPolicy): number {
  const level = findLevel(code, policy);
  if (!level) throw unknownLevel(code, 0, policy);
  return level.rank;
}

export function unknownLevel(word: string, position: number, policy: MarkingPolicy): MarkingError {
  const names = policy.levels.map((l) => l.name);
  const codes = policy.levels.map((l) => l.code);
  return new MarkingError(
    `"${word}" is not a classification: use ${listWords(names, 'or')} (or ${listWords(codes, 'or')}).`,
    word,
    position,
  );
}

/** 'A, B or C' / 'A, B and C'. */
export function listWords(words: readonly string[], conjunction: 'and' | 'or'): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}

/** Nations a name stands for: itself for a nation, the members for a group. */
export function expandName(name: string, policy: MarkingPolicy): readonly string[] | undefined {
  if (policy.nations.has(name)) return [name];
  return policy.groups[name];
}

/** Sorted, deduplicated copy in the policy's canonical order. */
export function canonicalNames(names: Iterable<string>, policy: MarkingPolicy): string[] {
  return [...new Set(names)].sort(policy.compareNames);
}

/**
 * A compartment a marking may require and a participant may hold: a system used alone (SI), or
 * a compartment of a system that needs one (RSV-ABC). Upper case.
 */
export function isCompartment(code: string, policy: MarkingPolicy): boolean {
  const rule = compartmentRule(code, policy);
  if (!rule) return false;
  const dash = code.indexOf('-');
  return dash < 0 ? !rule.subCompartment : (rule.subCompartment?.pattern.test(code.slice(dash + 1)) ?? false);
}

/** The SCI system of a compartment code: KDK for 'KDK', RSV for 'RSV-ABC'. */
export function compartmentRule(code: string, policy: MarkingPolicy): CompartmentRule | undefined {
  const dash = code.indexOf('-');
  return policy.compartments.get(dash < 0 ? code : code.slice(0, dash));
}

/**
 * A REL TO list in canonical order, the lead nation written out first whenever the list
 * reaches it, also through a group (ISM-ID-00214: REL TO starts with USA): REL TO USA, FVEY.
 */
export function canonicalRelTo(names: Iterable<string>, policy: MarkingPolicy): string[] {
  const list = [...names];
  const lead = policy.leadNation;
  if (!list.includes(lead) && list.some((name) => policy.groups[name]?.includes(lead))) list.push(lead);
  return canonicalNames(list, policy);
}
