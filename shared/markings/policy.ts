// A marking scheme as data: classification levels, dissemination-control spellings, SCI
// compartments, nations and groups. The default is the CAPCO-style scheme of DESIGN.md.
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

export interface ControlSpelling {
  readonly banner: string;
  readonly portion: string;
  /** Every accepted spelling, upper case, words separated by one space. */
  readonly aliases: readonly string[];
}

export interface MarkingPolicySpec {
  levels: readonly ClassificationLevel[];
  controls: Readonly<Record<ControlKind, ControlSpelling>>;
  compartments: readonly string[];
  nations: readonly string[];
  /** Group name → members (nations, or groups defined earlier). */
  groups: Readonly<Record<string, readonly string[]>>;
  /** Listed first in REL TO and the originator when a marking names none. */
  leadNation: string;
}

export interface MarkingPolicy {
  readonly levels: readonly ClassificationLevel[];
  readonly controls: Readonly<Record<ControlKind, ControlSpelling>>;
  readonly compartments: ReadonlySet<string>;
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
    compartments: new Set(spec.compartments),
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
  controls: {
    orcon: { banner: 'ORCON', portion: 'OC', aliases: ['ORCON', 'OC'] },
    noforn: { banner: 'NOFORN', portion: 'NF', aliases: ['NOFORN', 'NF'] },
    relTo: { banner: 'REL TO', portion: 'REL TO', aliases: ['REL TO', 'REL'] },
    relido: { banner: 'RELIDO', portion: 'RELIDO', aliases: ['RELIDO'] },
    displayOnly: { banner: 'DISPLAY ONLY', portion: 'DISPLAY ONLY', aliases: ['DISPLAY ONLY'] },
  },
  compartments: ['HCS', 'KDK', 'RSV', 'SI', 'TK'],
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
    `"${word}" is not a classification: use ${listWords(names)} (or ${listWords(codes)}).`,
    word,
    position,
  );
}

function listWords(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
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
