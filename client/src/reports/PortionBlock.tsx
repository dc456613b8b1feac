// One paragraph of a report: its portion mark at its start, then its text, edited together. Named
// by its stable name (shared/paragraphName.ts), never by its place, which differs between readers.
import { useState, type DragEvent, type KeyboardEvent } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { paragraphName } from '../../../shared/paragraphName';
import { PortionMark } from '../markings/PortionMark';
import { suggestsIn } from '../suggestions/model';
import { SuggestionEditor } from '../suggestions/SuggestionEditor';
import { SuggestionList } from '../suggestions/SuggestionList';
import { CollaborativeText } from '../text/CollaborativeText';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { ObjectActions } from '../workspace/ObjectActions';
import { useObjectPresence } from '../workspace/useObjectPresence';
import { AddPortionForm } from './AddPortionForm';
import { PARAGRAPH_DRAG_TYPE } from './placement';
import { usePortionPlacement } from './usePortionPlacement';

interface Props {
  portion: Envelope;
  /** Order key of the next paragraph this reader sees (null at the end). */
  nextKey: string | null;
  /** The keys that move it one place up and down among what this reader sees; undefined at an end. */
  upKey: string | undefined;
  downKey: string | undefined;
  /** A paragraph dragged onto this one goes just before it. */
  onDropBefore(movedId: string): void;
  onDeleted(deleted: { id: string; name: string; undoUntil: string }): void;
}

export function PortionBlock({ portion, nextKey, upKey, downKey, onDropBefore, onDeleted }: Props) {
  const { picture, cell, canEdit, snapshot, identity, session } = useWorkspace();
  const { others, onCursor } = useObjectPresence(portion.id);
  const [inserting, setInserting] = useState(false);
  const placement = usePortionPlacement({ portion, upKey, downKey, onDeleted });
  const replica = picture.replica(portion.id);
  const name = paragraphName(portion.id);
  const mayPlace = placement.items.length > 0;
  const label = `Paragraph ${name}, marked ${portion.portion}`;
  // A partner's typing becomes a suggestion (the server refuses it as a direct edit).
  const suggests = canEdit && session !== null && suggestsIn(snapshot.workspace, portion, identity.nation);

  const onKeyDown = (event: KeyboardEvent) => {
    if (!mayPlace || !event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    const key = event.key === 'ArrowUp' ? upKey : downKey;
    event.preventDefault();
    if (key) placement.moveTo(key);
  };
  const onDragOver = (event: DragEvent) => {
    if (mayPlace && event.dataTransfer.types.includes(PARAGRAPH_DRAG_TYPE)) event.preventDefault();
  };
  const onDrop = (event: DragEvent) => {
    const moved = event.dataTransfer.getData(PARAGRAPH_DRAG_TYPE);
    if (!moved || moved === portion.id) return;
    event.preventDefault();
    onDropBefore(moved);
  };

  return (
    <div className="portion" data-portion-id={portion.id} data-marking={portion.portion} onKeyDown={onKeyDown} onDragOver={onDragOver} onDrop={onDrop}>
      <div className="portion-body">
        <PortionMark portion={portion.portion} marking={portion.marking} originator={portion.originator} policy={cell.policy} />
        {replica && suggests ? (
          <SuggestionEditor paragraph={portion} replica={replica} label={label} />
        ) : replica ? (
          <CollaborativeText
            replica={replica}
            label={label}
            readOnly={!canEdit}
            others={others}
            onCursor={onCursor}
          />
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
      <div className="portion-actions">
        {/* After the text, not before: a paragraph opens with its portion mark. */}
        {mayPlace && (
          // Not a button: the menu and Alt+↑ / Alt+↓ move it from the keyboard; this is for the mouse.
          <span className="drag-handle" draggable aria-hidden="true" title="Drag to move" onDragStart={(e) => e.dataTransfer.setData(PARAGRAPH_DRAG_TYPE, portion.id)}>
            ⠿
          </span>
        )}
        <span className="paragraph-name" title="This paragraph's name: the same for everyone who can see it">
          {name}
        </span>
        <ObjectActions envelope={portion} extra={[...(canEdit ? [{ label: 'Insert paragraph below', onSelect: () => setInserting(true) }] : []), ...placement.items]} />
        <ErrorMessage message={placement.action.error} />
      </div>
      <SuggestionList paragraph={portion} />
      {inserting && (
        <AddPortionForm reportId={portion.parentId!} after={portion.orderKey} before={nextKey} onDone={() => setInserting(false)} />
      )}
    </div>
  );
}
