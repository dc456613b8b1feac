// A cell's marking context: its policy (default plus the cell's own groups), the nations it holds,
// the groups usable in REL TO, and its system-high level.
import { memberNations } from '../../../shared/membership';
import type { WorkspaceSummary } from '../../../shared/protocol';
import {
  classificationRank,
  MarkingError,
  parseMarking,
  policyWithGroups,
  type Marking,
  type MarkingPolicy,
} from '../../../shared/markings';

export interface CellMarkings {
  policy: MarkingPolicy;
  /** Member nations, expanded from any groups, in canonical order (lead nation first). */
  members: string[];
  /** Groups whose every member is in the cell: offered in REL TO. */
  groups: string[];
  /** Rank of the highest classification the cell may hold. */
  systemHighRank: number;
}

export interface CellDefinition {
  members: readonly string[];
  groups: Readonly<Record<string, string[]>>;
  systemHigh: string;
}

function levelRank(text: string, policy: MarkingPolicy): number {
  try {
    return classificationRank(text, policy);
  } catch {
    return classificationRank(parseMarking(text, policy).classification, policy);
  }
}

export function cellMarkings(cell: CellDefinition): CellMarkings {
  const policy = policyWithGroups({ ...cell.groups });
  const nations = memberNations(cell, policy);
  const members = [...nations].sort(policy.compareNames);
  const groups = Object.entries(policy.groups)
    .filter(([, groupMembers]) => groupMembers.every((nation) => nations.has(nation)))
    .map(([name]) => name)
    .sort(policy.compareNames);
  let systemHighRank = policy.levels.at(-1)?.rank ?? 0;
  try {
    systemHighRank = levelRank(cell.systemHigh, policy);
  } catch (error) {
    if (!(error instanceof MarkingError)) throw error;
  }
  return { policy, members, groups, systemHighRank };
}

export function workspaceMarkings(workspace: WorkspaceSummary): CellMarkings {
  return cellMarkings(workspace);
}

// Parsed markings are cached per policy and text: the engine caches audiences per Marking object.
const parsed = new WeakMap<MarkingPolicy, Map<string, Marking>>();

/** An envelope's marking with its originator; throws MarkingError on a text the policy rejects. */
export function markingOf(text: string, originator: string, policy: MarkingPolicy): Marking {
  let cache = parsed.get(policy);
  if (!cache) parsed.set(policy, (cache = new Map()));
  const key = `${originator}|${text}`;
  let marking = cache.get(key);
  if (!marking) {
    marking = { ...parseMarking(text, policy), originator };
    cache.set(key, marking);
  }
  return marking;
}

/** Names that are neither a nation nor a group of the policy. */
export function unknownNames(names: readonly string[], policy: MarkingPolicy): string[] {
  return names.filter((name) => !policy.nations.has(name) && !policy.groups[name]);
}

/** Markings of the items `envelope` sits under (a paragraph's report), nearest first: they limit who sees it too. */
export function ancestorMarkings(envelope: { parentId: string | null }, byId: ReadonlyMap<string, { marking: string; originator: string; parentId: string | null }>, policy: MarkingPolicy): Marking[] {
  const chain: Marking[] = [];
  for (let parent = envelope.parentId ? byId.get(envelope.parentId) : undefined; parent; parent = parent.parentId ? byId.get(parent.parentId) : undefined) {
    chain.push(markingOf(parent.marking, parent.originator, policy));
  }
  return chain;
}
