// Text with tracked changes: insertions underlined, deletions struck through, in the colour of
// the suggesting nation (the same colour the nation has everywhere else).
import type { Segment } from '../../../shared/suggestions';
import { participantColor } from '../text/caretLayout';

export function TrackedText({ segments, nation }: { segments: readonly Segment[]; nation: string }) {
  const color = participantColor(nation);
  return (
    <span className="tracked-text">
      {segments.map((segment, index) =>
        segment.kind === 'insert' ? (
          <ins key={index} style={{ color, textDecorationColor: color }} title={`Inserted by ${nation}`}>
            {segment.text}
          </ins>
        ) : segment.kind === 'delete' ? (
          <del key={index} style={{ color, textDecorationColor: color }} title={`Deleted by ${nation}`}>
            {segment.text}
          </del>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
    </span>
  );
}
