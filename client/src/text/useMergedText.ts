// Binds an uncontrolled <input> or <textarea> to a Y.Text. Typing becomes one minimal splice, so
// what others type at the same time merges instead of being overwritten; a remote edit reaches the
// element without moving the local caret or selection (kept as Yjs relative positions).
import { useLayoutEffect, useRef, type RefObject } from 'react';
import * as Y from 'yjs';
import { applySplice, textSplice } from '../session/contentDiff';

export interface MergedTextSource {
  doc: Y.Doc;
  /** The text now (re-read on every render: the caller re-renders when the doc changes). */
  value: string;
  /** The Y.Text if there is one yet (a field may still hold a plain string). */
  current(): Y.Text | null;
  /** The Y.Text to edit, created if need be. */
  editable(): Y.Text;
}

export interface MergedTextBinding<E> {
  ref: RefObject<E | null>;
  onInput: () => void;
  /** Also for onFocus: where the local caret is, in the text's terms. */
  onSelect: () => void;
}

interface KeptSelection {
  anchor: Y.RelativePosition;
  head: Y.RelativePosition;
}

export function useMergedText<E extends HTMLInputElement | HTMLTextAreaElement>(
  source: MergedTextSource | null,
  readOnly: boolean,
  onSelection?: (text: Y.Text, anchor: number, head: number) => void,
): MergedTextBinding<E> {
  const ref = useRef<E>(null);
  const selection = useRef<KeptSelection | null>(null);
  const value = source?.value ?? '';

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element || element.value === value) return;
    const focused = document.activeElement === element;
    element.value = value;
    const kept = selection.current;
    const doc = source?.doc;
    if (focused && kept && doc) {
      const anchor = Y.createAbsolutePositionFromRelativePosition(kept.anchor, doc)?.index ?? value.length;
      const head = Y.createAbsolutePositionFromRelativePosition(kept.head, doc)?.index ?? value.length;
      element.setSelectionRange(Math.min(anchor, head), Math.max(anchor, head), head < anchor ? 'backward' : 'forward');
    }
  });

  const onSelect = (): void => {
    const element = ref.current;
    const text = source?.current();
    if (!element || !text) return;
    const backward = element.selectionDirection === 'backward';
    const anchor = (backward ? element.selectionEnd : element.selectionStart) ?? 0;
    const head = (backward ? element.selectionStart : element.selectionEnd) ?? 0;
    selection.current = { anchor: Y.createRelativePositionFromTypeIndex(text, anchor), head: Y.createRelativePositionFromTypeIndex(text, head) };
    onSelection?.(text, anchor, head);
  };

  const onInput = (): void => {
    const element = ref.current;
    if (!element || !source || readOnly) return;
    const next = element.value;
    source.doc.transact(() => {
      const text = source.editable();
      applySplice(text, textSplice(text.toString(), next));
    });
    onSelect();
  };

  return { ref, onInput, onSelect };
}
