// Who a marking reaches, as nation sets, computed once per marking object and policy. The cache
// is a WeakMap rather than a field so a Marking stays plain data that serialises to JSON.
import { MarkingError } from './errors';
import { defaultPolicy, expandName, findLevel, isCompartment } from './policy';
import type { MarkingPolicy } from './policy';
import type { Marking } from './types';

export interface Audience {
  readonly rank: number;
  readonly compartments: readonly string[];
  readonly originator: string;
  /** UNCLASSIFIED with no NOFORN, REL TO, RELIDO or DISPLAY ONLY: every nation may see it. */
  readonly everyone: boolean;
  /** Nations that may see it: the originator, REL TO (never with NOFORN), DISPLAY ONLY; all nations when `everyone`. */
  readonly nations: ReadonlySet<string>;
  /** Nations that may hold a copy: the originator and REL TO; all nations when `everyone`. */
  readonly released: ReadonlySet<string>;
}

interface Caches {
  byObject: WeakMap<Marking, Audience>;
  /** Equal markings in different objects (each parse, each envelope read) share one audience. */
  byContent: Map<string, Audience>;
}
const BY_CONTENT_LIMIT = 4096;

const caches = new WeakMap<MarkingPolicy, Caches>();
// canSee is called in tight loops with one policy; skip the outer lookup when it repeats.
let lastPolicy: MarkingPolicy | undefined;
let lastCaches: Caches = { byObject: new WeakMap(), byContent: new Map() };

export function audienceOf(m: Marking, policy: MarkingPolicy = defaultPolicy): Audience {
  if (policy !== lastPolicy) {
    let found = caches.get(policy);
    if (!found) caches.set(policy, (found = { byObject: new WeakMap(), byContent: new Map() }));
    lastPolicy = policy;
    lastCaches = found;
  }
  const cached = lastCaches.byObject.get(m);
  // The originator is the field callers most often set after parsing; recompute if it moved.
  if (cached && cached.originator === (m.originator ?? policy.leadNation)) return cached;
  const key = contentKey(m, policy);
  let audience = lastCaches.byContent.get(key);
  if (!audience) {
    audience = computeAudience(m, policy);
    if (lastCaches.byContent.size >= BY_CONTENT_LIMIT) lastCaches.byContent.clear();
    lastCaches.byContent.set(key, audience);
  }
  lastCaches.byObject.set(m, audience);
  return audience;
}

function contentKey(m: Marking, policy: MarkingPolicy): string {
  return JSON.stringify([m.classification, m.compartments, m.noforn, m.relido, m.relTo, m.displayOnly, m.originator ?? policy.leadNation]);
}

function computeAudience(m: Marking, policy: MarkingPolicy): Audience {
  const level = findLevel(m.classification, policy);
  if (!level) throw new MarkingError(`"${m.classification}" is not a classification of this policy.`, m.classification);
  const originator = m.originator ?? policy.leadNation;
  if (!policy.nations.has(originator)) throw new MarkingError(`Originator "${originator}" is not a country trigraph.`, originator);
  const compartments = [...new Set(m.compartments)];
  // Access level keys leave out compartments the policy does not know, so no marking may need one.
  const unknown = compartments.find((c) => !isCompartment(c, policy));
  if (unknown !== undefined) throw new MarkingError(`"${unknown}" is not an SCI compartment of this policy.`, unknown);
  const everyone = level.rank === 0 && !m.noforn && !m.relido && m.relTo.length === 0 && m.displayOnly.length === 0;
  if (everyone) return { rank: level.rank, compartments, originator, everyone, nations: policy.nations, released: policy.nations };
  const released = new Set([originator]);
  if (!m.noforn) for (const name of m.relTo) for (const nation of expand(name, policy)) released.add(nation);
  const nations = new Set(released);
  for (const name of m.displayOnly) for (const nation of expand(name, policy)) nations.add(nation);
  return { rank: level.rank, compartments, originator, everyone, nations, released };
}

function expand(name: string, policy: MarkingPolicy): readonly string[] {
  const nations = expandName(name, policy);
  if (!nations) throw new MarkingError(`"${name}" is not a country trigraph or group.`, name);
  return nations;
}

/** Every nation that may see the marking, expanded, lead nation first, originator included. */
export function releasableNations(m: Marking, policy: MarkingPolicy = defaultPolicy): string[] {
  return [...audienceOf(m, policy).nations].sort(policy.compareNames);
}
