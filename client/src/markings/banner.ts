// The banner over what is on screen: the roll-up of every shown object's marking, and its colour.
import type { Envelope } from '../../../shared/protocol';
import { classificationRank, formatBanner, MarkingError, rollUp, type Marking, type MarkingPolicy } from '../../../shared/markings';
import { markingOf } from './cell';

export type BannerTone = 'unclassified' | 'confidential' | 'secret' | 'top-secret';

export interface BannerText {
  text: string;
  tone: BannerTone;
  /** Why the exact roll-up could not be computed (the banner then errs on the restrictive side). */
  problem?: string;
}

const TONES: BannerTone[] = ['unclassified', 'confidential', 'secret', 'top-secret'];

export function toneOf(classification: string, policy: MarkingPolicy): BannerTone {
  const rank = classificationRank(classification, policy);
  return TONES[Math.min(rank, TONES.length - 1)]!;
}

export function rolledUpBanner(objects: readonly Pick<Envelope, 'marking' | 'originator'>[], policy: MarkingPolicy): BannerText {
  if (objects.length === 0) return { text: formatBanner(rollUp([], policy), policy), tone: 'unclassified' };
  const markings: Marking[] = [];
  let topRank = 0;
  let top = policy.levels[0]!.code;
  try {
    for (const object of objects) {
      const marking = markingOf(object.marking, object.originator, policy);
      markings.push(marking);
      const rank = classificationRank(marking.classification, policy);
      if (rank >= topRank) [topRank, top] = [rank, marking.classification];
    }
    const banner = rollUp(markings, policy);
    return { text: formatBanner(banner, policy), tone: toneOf(banner.classification, policy) };
  } catch (error) {
    if (!(error instanceof MarkingError)) throw error;
    // An unreadable marking could be anything: assume the highest level.
    const classification = markings.length < objects.length ? policy.levels.at(-1)!.code : top;
    const compartments = [...new Set(markings.flatMap((marking) => marking.compartments))].sort();
    const shown: Marking = { classification, compartments, noforn: true, relTo: [], relido: false, orcon: false, displayOnly: [] };
    return { text: formatBanner(shown, policy), tone: toneOf(classification, policy), problem: error.message };
  }
}
