// The light, read-only face of a list item (a timeline event, an RFI): the start of its text and
// who is in it, as one button that opens the item's editor. A long list mounts these, not editors
// (an editor is a bound textarea, its carets overlay, its marking and release controls), so a
// window of rows draws quickly and stays a few lines tall.
import { useEffect, useState } from 'react';
import { bodyOf } from '../../../shared/content';
import { useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { useWorkspace } from './context';
import { focusObjectElement } from './focusObject';
import { useObjectPresence } from './useObjectPresence';

/** Characters of the text shown before the item is opened. */
const PREVIEW_CHARS = 160;

/** Whether an item shows its editor: once opened (or asked to be brought into view) it stays open while mounted. */
export function useOpened(id: string): [boolean, () => void] {
  const { focus } = useWorkspace();
  const [opened, setOpened] = useState(false);
  // Opened by the reader: the caret goes to the editor's first field.
  useEffect(() => {
    if (opened) focusObjectElement(id);
  }, [opened, id]);
  return [opened || focus?.id === id, () => setOpened(true)];
}

interface Props {
  id: string;
  replica: ObjectReplica | undefined;
  /** What the item is, for the button's name: "Open event". */
  noun: string;
  onOpen: () => void;
}

export function ItemPreview({ id, replica, noun, onOpen }: Props) {
  const doc = useReplicaDoc(replica);
  const { others } = useObjectPresence(id);
  const text = doc ? bodyOf(doc).toString() : '';
  return (
    <button type="button" className="item-preview" aria-label={`Open ${noun}`} onClick={onOpen}>
      <span className="item-preview-text">{text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text || 'No text yet.'}</span>
      {others.length > 0 && <span className="item-preview-people">In it: {others.map((state) => state.name).join(', ')}</span>}
    </button>
  );
}
