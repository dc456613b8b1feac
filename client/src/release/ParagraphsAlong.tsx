// The paragraphs of a report that its release request can carry along: each with the marking it
// would get, ticked when it travels with the report today (the analyst ticks the others, e.g. a
// paragraph kept NOFORN, only on purpose). Each ticked one becomes its own request to its FDOs.
import type { ParagraphProposal, ReleaseProposal } from './paragraphsAlong';

interface Props {
  proposals: readonly ParagraphProposal[];
  isSelected: (proposal: ReleaseProposal) => boolean;
  onToggle: (paragraphId: string, selected: boolean) => void;
}

export function ParagraphsAlong({ proposals, isSelected, onToggle }: Props) {
  return (
    <fieldset className="marking-picker paragraphs-along">
      <legend>Paragraphs to release with it</legend>
      <ul>
        {proposals.map((proposal) => (
          <li key={proposal.paragraph.id}>
            {proposal.kind === 'release' ? (
              <label className="check">
                <input
                  type="checkbox"
                  checked={isSelected(proposal)}
                  onChange={(event) => onToggle(proposal.paragraph.id, event.target.checked)}
                />
                Paragraph {proposal.name} {proposal.paragraph.portion} → {proposal.target}
              </label>
            ) : proposal.kind === 'already' ? (
              <span className="muted">
                Paragraph {proposal.name} {proposal.paragraph.portion}: already releasable to them
              </span>
            ) : (
              <span className="field-problem">
                Paragraph {proposal.name} {proposal.paragraph.portion}: {proposal.problem}
              </span>
            )}
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
