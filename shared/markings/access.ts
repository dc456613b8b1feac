// Access decisions: may this participant see this marking, and which participants are alike.
import { audienceOf } from './audience';
import { MarkingError } from './errors';
import { defaultPolicy, findLevel, isCompartment, unknownLevel } from './policy';
import type { ClassificationLevel, MarkingPolicy } from './policy';
import type { Marking, Participant } from './types';

/**
 * Clearance dominates the classification, every compartment is held, and the nation is the
 * originator, released to (REL TO, directly or through a group, never with NOFORN) or in
 * DISPLAY ONLY. UNCLASSIFIED without release controls is visible to every nation.
 */
export function canSee(p: Participant, m: Marking, policy: MarkingPolicy = defaultPolicy): boolean {
  const audience = audienceOf(m, policy);
  if (clearanceOf(p, policy).rank < audience.rank) return false;
  for (const compartment of audience.compartments) if (!holds(p.compartments, compartment)) return false;
  return audience.everyone || audience.nations.has(p.nation) || audience.nations.has(p.nation.toUpperCase());
}

/**
 * May hold a copy (export, print, download): sees it other than through DISPLAY ONLY, which is
 * for viewing only.
 */
export function canHoldCopy(p: Participant, m: Marking, policy: MarkingPolicy = defaultPolicy): boolean {
  if (!canSee(p, m, policy)) return false;
  const audience = audienceOf(m, policy);
  return audience.everyone || audience.released.has(p.nation.toUpperCase());
}

function clearanceOf(p: Participant, policy: MarkingPolicy): ClassificationLevel {
  const level = findLevel(p.clearance, policy);
  if (!level) throw unknownLevel(p.clearance, -1, policy);
  return level;
}

function holds(held: readonly string[], compartment: string): boolean {
  return held.includes(compartment) || held.some((c) => c.toUpperCase() === compartment);
}

/**
 * The room key: participants with equal keys see exactly the same objects. Nation, clearance
 * code, and the held compartments the policy knows (others can never matter), e.g. 'USA|TS|SI,TK'.
 * Only [A-Z0-9,|-] characters, so it is safe inside a socket.io room name.
 */
export function accessLevelKey(p: Participant, policy: MarkingPolicy = defaultPolicy): string {
  const nation = p.nation.toUpperCase();
  if (!policy.nations.has(nation)) throw new MarkingError(`"${p.nation}" is not a country trigraph.`, p.nation);
  const compartments = [...new Set(p.compartments.map((c) => c.toUpperCase()))].filter((c) => isCompartment(c, policy)).sort();
  return `${nation}|${clearanceOf(p, policy).code}|${compartments.join(',')}`;
}

const LEVEL_KEY = /^([A-Z]{3})\|([A-Z0-9_-]+)\|((?:[A-Z0-9-]+)(?:,[A-Z0-9-]+)*)?$/;

/** The participant a room key stands for, so the server can decide from a room name alone. */
export function participantFromLevelKey(key: string): Participant {
  const match = LEVEL_KEY.exec(key);
  if (!match) throw new MarkingError(`"${key}" is not an access level key (NATION|CLEARANCE|COMPARTMENTS).`, key);
  return { nation: match[1]!, clearance: match[2]!, compartments: match[3] ? match[3].split(',') : [] };
}

/**
 * `a` is at least as restrictive as `b`: whoever may see `a` may also see `b`, and whoever may
 * hold a copy of `a` may hold one of `b` (DISPLAY ONLY → REL TO hands over a copy).
 */
export function dominates(a: Marking, b: Marking, policy: MarkingPolicy = defaultPolicy): boolean {
  const x = audienceOf(a, policy);
  const y = audienceOf(b, policy);
  if (x.rank < y.rank) return false;
  if (!y.compartments.every((c) => x.compartments.includes(c))) return false;
  if (y.everyone) return true;
  for (const nation of x.nations) if (!y.nations.has(nation)) return false;
  for (const nation of x.released) if (!y.released.has(nation)) return false;
  return true;
}

/**
 * Re-marking `from` → `to` gives no one access: everyone who may see `to` may already see
 * `from`, and everyone who may hold a copy under `to` already may under `from`.
 */
export function isNarrowing(from: Marking, to: Marking, policy: MarkingPolicy = defaultPolicy): boolean {
  return dominates(to, from, policy);
}

/**
 * What re-marking `from` → `to` does to who may read or hold a copy: `same` (no one gains or
 * loses), `narrows` (some lose, no one gains), `widens` (some gain, no one loses: a release) or
 * `mixed` (some gain, some lose). The one "is this a release" rule for the server's re-mark and
 * release checks and the client's marking picker; each words its refusals for its reader.
 */
export function remarkEffect(from: Marking, to: Marking, policy: MarkingPolicy = defaultPolicy): 'same' | 'narrows' | 'widens' | 'mixed' {
  const noneGain = dominates(to, from, policy);
  const noneLose = dominates(from, to, policy);
  if (noneGain) return noneLose ? 'same' : 'narrows';
  return noneLose ? 'widens' : 'mixed';
}

/** Someone may read or copy under `to` who may not under `from`: only the originator's FDOs may do that. */
export function grantsAccess(from: Marking, to: Marking, policy: MarkingPolicy = defaultPolicy): boolean {
  const effect = remarkEffect(from, to, policy);
  return effect === 'widens' || effect === 'mixed';
}

/** Who may see an object under a chain of markings (its own, then each ancestor's): all of them must allow it. */
interface ChainAudience {
  rank: number;
  compartments: Set<string>;
  nations: Set<string>;
}

function chainAudience(chain: readonly Marking[], policy: MarkingPolicy): ChainAudience {
  const audiences = chain.map((m) => audienceOf(m, policy));
  const nations = new Set(audiences[0]?.nations ?? []);
  for (const audience of audiences.slice(1)) for (const nation of nations) if (!audience.nations.has(nation)) nations.delete(nation);
  return {
    rank: Math.max(...audiences.map((a) => a.rank)),
    compartments: new Set(audiences.flatMap((a) => a.compartments)),
    nations,
  };
}

/**
 * Someone may see an object under the markings `after` (its own, then each ancestor's) who may
 * not under `before`: its audience grows. Decided over every participant there could be, not
 * only the access levels that joined so far, so a nation whose first member joins later counts.
 * Exact: the witness is a participant of `after`'s lowest clearance, compartments and a nation.
 */
export function widensChain(before: readonly Marking[], after: readonly Marking[], policy: MarkingPolicy = defaultPolicy): boolean {
  const was = chainAudience(before, policy);
  const is = chainAudience(after, policy);
  if (is.nations.size === 0) return false;
  if (is.rank < was.rank) return true;
  for (const compartment of was.compartments) if (!is.compartments.has(compartment)) return true;
  for (const nation of is.nations) if (!was.nations.has(nation)) return true;
  return false;
}
