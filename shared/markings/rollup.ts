// The banner over several portions (DESIGN.md, "Markings", roll-up): highest classification,
// union of compartments, ORCON if any; then the nations every portion reaches. NOFORN when any
// portion is NOFORN or when nobody but the originator is left, which covers a classified portion
// with no release marking and REL TO mixed with RELIDO.
import { audienceOf } from './audience';
import type { Audience } from './audience';
import { MarkingError } from './errors';
import { canonicalRelTo, defaultPolicy } from './policy';
import type { MarkingPolicy } from './policy';
import type { Marking } from './types';

export function rollUp(ms: Marking[], policy: MarkingPolicy = defaultPolicy): Marking {
  const audiences = ms.map((m) => audienceOf(m, policy));
  const top = audiences.reduce((max, a) => Math.max(max, a.rank), 0);
  const level = policy.levels.find((l) => l.rank === top) ?? policy.levels[0]!;
  const banner: Marking = {
    classification: level.code,
    compartments: [...new Set(audiences.flatMap((a) => a.compartments))].sort(),
    noforn: false,
    relTo: [],
    relido: false,
    orcon: ms.some((m) => m.orcon),
    displayOnly: [],
  };
  // Portions every nation may see constrain nothing.
  const restricted = ms.filter((_, i) => !audiences[i]!.everyone);
  const restrictedAudiences = audiences.filter((a) => !a.everyone);
  if (restricted.length === 0) return banner;

  const seeing = intersect(restrictedAudiences.map((a) => a.nations));
  const holding = intersect(restrictedAudiences.map((a) => a.released));
  const originator = chooseOriginator(restrictedAudiences, seeing, holding, policy);
  if (originator !== policy.leadNation) banner.originator = originator;
  const relido = restricted.every((m) => m.relido);
  const others = [...seeing].filter((n) => n !== originator);
  if (restricted.some((m) => m.noforn) || (others.length === 0 && !relido)) return { ...banner, noforn: true };

  const releasedTo = others.filter((n) => holding.has(n));
  const displayedTo = others.filter((n) => !holding.has(n));
  const writtenGroups = new Set(restricted.flatMap((m) => [...m.relTo, ...m.displayOnly]).filter((name) => policy.groups[name]));
  // Keep the originator in REL TO when every portion wrote it there, so rolling up one portion
  // returns it, and when the list would otherwise name too few nations (ISM-ID-00319): the
  // originator holds a copy either way.
  const wrote = restricted.every((m) => !m.noforn && m.relTo.some((name) => expands(name, originator, policy)));
  if (releasedTo.length > 0 && (wrote || releasedTo.length < policy.relToMinNations)) releasedTo.push(originator);
  return {
    ...banner,
    relTo: canonicalRelTo(compress(releasedTo, writtenGroups, restricted, policy), policy),
    relido,
    displayOnly: compress(displayedTo, writtenGroups, restricted, policy),
  };
}

function intersect(sets: ReadonlySet<string>[]): Set<string> {
  const [first, ...rest] = sets;
  return new Set([...(first ?? [])].filter((n) => rest.every((s) => s.has(n))));
}

/**
 * The common originator; with mixed originators, the first (canonical order) that holds a copy
 * of every portion, else the first nation that does. The banner's originator holds a copy, so
 * a banner exists only if some nation may hold a copy of every portion.
 */
function chooseOriginator(audiences: Audience[], seeing: Set<string>, holding: Set<string>, policy: MarkingPolicy): string {
  const originators = [...new Set(audiences.map((a) => a.originator))].sort(policy.compareNames);
  if (seeing.size === 0) {
    throw new MarkingError(
      `No nation may see all of these portions (originated by ${originators.join(', ')}), so no banner covers them: split them into separate objects.`,
      originators.join(', '),
    );
  }
  const choice = originators.find((o) => holding.has(o)) ?? [...holding].sort(policy.compareNames)[0];
  if (choice === undefined) {
    throw new MarkingError(
      `No nation may keep a copy of all of these portions (originated by ${originators.join(', ')}; some are DISPLAY ONLY to the others), so no banner covers them: split them into separate objects.`,
      originators.join(', '),
    );
  }
  return choice;
}

function expands(name: string, nation: string, policy: MarkingPolicy): boolean {
  return name === nation || (policy.groups[name]?.includes(nation) ?? false);
}

/**
 * Writes a nation set back with the groups the portions used (REL TO USA, FVEY rather than five
 * trigraphs): a group is used when all its members are in the set and it adds someone new.
 * The lead nation stays written out when a portion wrote it so.
 */
function compress(nations: string[], groups: Set<string>, portions: Marking[], policy: MarkingPolicy): string[] {
  const remaining = new Set(nations);
  const names: string[] = [];
  const bySize = [...groups].sort((a, b) => policy.groups[b]!.length - policy.groups[a]!.length || policy.compareNames(a, b));
  const covered = new Set<string>();
  for (const group of bySize) {
    const members = policy.groups[group]!;
    if (members.every((n) => remaining.has(n)) && members.some((n) => !covered.has(n))) {
      names.push(group);
      for (const n of members) covered.add(n);
    }
  }
  const lead = policy.leadNation;
  const leadWritten = portions.some((m) => m.relTo.includes(lead) || m.displayOnly.includes(lead));
  for (const n of remaining) if (!covered.has(n) || (n === lead && leadWritten)) names.push(n);
  return names.sort(policy.compareNames);
}
