// A release widens one object's marking. A report's paragraphs keep their own markings, so the
// nations a report's release adds need the same added to each paragraph they should read: this
// computes that paragraph marking. Pure, so the release dialog proposes it and tests pin it.
import { audienceOf } from './audience';
import { MarkingError } from './errors';
import { formatBanner } from './format';
import { parseMarking } from './parse';
import { canonicalNames, defaultPolicy, expandName, type MarkingPolicy } from './policy';
import type { Marking } from './types';

/**
 * `portion` re-marked so that whoever the `from` → `to` release gives a copy (REL TO) or sight
 * only (DISPLAY ONLY) gets the same of the portion; its classification, compartments and other
 * controls stay. Null when that adds no one (the portion already reaches them all). Throws a
 * MarkingError when the result is not a valid marking, or when `to` reaches everyone (a
 * paragraph's classification is for a person to lower, not a rule).
 */
export function releaseAlong(portion: Marking, from: Marking, to: Marking, policy: MarkingPolicy = defaultPolicy): Marking | null {
  const before = audienceOf(from, policy);
  const after = audienceOf(to, policy);
  const own = audienceOf(portion, policy);
  if (own.everyone) return null;
  if (after.everyone) {
    throw new MarkingError('A release to everyone does not carry over to paragraphs: request each paragraph’s release on its own.', '');
  }
  const copies = [...after.released].filter((nation) => !before.released.has(nation) && !own.released.has(nation));
  const sight = [...after.nations].filter((nation) => !before.nations.has(nation) && !after.released.has(nation) && !own.nations.has(nation));
  if (copies.length === 0 && sight.length === 0) return null;

  const originator = own.originator;
  const relTo = copies.length === 0 ? portion.relTo : canonicalNames([...(portion.noforn ? [originator] : portion.relTo), originator, ...copies], policy);
  // A nation given a copy leaves DISPLAY ONLY; a group there that holds one is written out as its other members.
  const displayOnly = portion.displayOnly.flatMap((name) => {
    const members = expandName(name, policy) ?? [name];
    return members.some((nation) => copies.includes(nation)) ? members.filter((nation) => !copies.includes(nation)) : [name];
  });
  const widened: Marking = {
    ...portion,
    noforn: portion.noforn && copies.length === 0,
    relTo,
    displayOnly: canonicalNames([...displayOnly, ...sight], policy),
  };
  return { ...parseMarking(formatBanner(widened, policy), policy), originator };
}

/** Every nation that may hold a copy of `report` may hold one of `portion`: it travels with the report today. */
export function travelsWith(portion: Marking, report: Marking, policy: MarkingPolicy = defaultPolicy): boolean {
  const own = audienceOf(portion, policy);
  return own.everyone || [...audienceOf(report, policy).released].every((nation) => own.released.has(nation));
}
