// Which paragraphs of a report go along with its release request, and to what marking each
// (shared/markings releaseAlong). Pure: the dialog renders it, the tests pin it.
import { formatBanner, MarkingError, releaseAlong, travelsWith, type Marking, type MarkingPolicy } from '../../../shared/markings';
import type { Envelope } from '../../../shared/protocol';
import { paragraphName } from '../../../shared/paragraphName';
import { markingOf } from '../markings/cell';

export type ParagraphProposal =
  /** A release to request: `target` is the paragraph's new banner; `preselected` when it travels with the report today. */
  | { kind: 'release'; paragraph: Envelope; name: string; target: string; preselected: boolean }
  /** The release adds no one to this paragraph. */
  | { kind: 'already'; paragraph: Envelope; name: string }
  | { kind: 'problem'; paragraph: Envelope; name: string; problem: string };

export type ReleaseProposal = Extract<ParagraphProposal, { kind: 'release' }>;

export function paragraphProposals(paragraphs: readonly Envelope[], from: Marking, to: Marking, policy: MarkingPolicy): ParagraphProposal[] {
  return paragraphs.map((paragraph) => {
    const name = paragraphName(paragraph.id);
    try {
      const own = markingOf(paragraph.marking, paragraph.originator, policy);
      const target = releaseAlong(own, from, to, policy);
      if (!target) return { kind: 'already', paragraph, name };
      return { kind: 'release', paragraph, name, target: formatBanner(target, policy), preselected: travelsWith(own, from, policy) };
    } catch (error) {
      if (!(error instanceof MarkingError)) throw error;
      return { kind: 'problem', paragraph, name, problem: error.message };
    }
  });
}
