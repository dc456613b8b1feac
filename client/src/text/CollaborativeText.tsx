// A textarea bound to an object's `body` Y.Text: local input becomes a minimal splice, remote
// edits keep the local caret where it was (relative positions), and other participants' carets
// and selections are painted on an overlay that mirrors the textarea's text.
import { useLayoutEffect, useMemo, useRef } from 'react';
import * as Y from 'yjs';
import { bodyOf } from '../../../shared/content';
import type { PresenceState } from '../../../shared/protocol';
import { applySplice, textSplice } from '../session/contentDiff';
import { useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { caretRuns, participantColor, type RemoteCaret } from './caretLayout';
import { decodeCursor, encodeCursor, type SharedCursor } from './cursor';

interface Props {
  replica: ObjectReplica;
  label: string;
  readOnly: boolean;
  /** Presence states of others whose objectId is this object. */
  others: readonly PresenceState[];
  onCursor?: (cursor: SharedCursor | null) => void;
  placeholder?: string;
  id?: string;
}

interface LocalSelection {
  anchor: Y.RelativePosition;
  head: Y.RelativePosition;
}

export function CollaborativeText({ replica, label, readOnly, others, onCursor, placeholder, id }: Props) {
  const doc = useReplicaDoc(replica);
  const area = useRef<HTMLTextAreaElement>(null);
  const mirror = useRef<HTMLDivElement>(null);
  const selection = useRef<LocalSelection | null>(null);
  const text = doc ? bodyOf(doc) : null;
  const value = text ? text.toString() : '';

  // Remote changes (and a new epoch's doc) reach the textarea here, keeping the local caret.
  useLayoutEffect(() => {
    const element = area.current;
    if (!element || !text || element.value === value) return;
    const focused = document.activeElement === element;
    element.value = value;
    const kept = selection.current;
    if (focused && kept && text.doc) {
      const anchor = Y.createAbsolutePositionFromRelativePosition(kept.anchor, text.doc)?.index ?? value.length;
      const head = Y.createAbsolutePositionFromRelativePosition(kept.head, text.doc)?.index ?? value.length;
      element.setSelectionRange(Math.min(anchor, head), Math.max(anchor, head), head < anchor ? 'backward' : 'forward');
    }
  });

  const rememberSelection = (): void => {
    const element = area.current;
    if (!element || !text) return;
    const backward = element.selectionDirection === 'backward';
    const anchor = backward ? element.selectionEnd : element.selectionStart;
    const head = backward ? element.selectionStart : element.selectionEnd;
    selection.current = {
      anchor: Y.createRelativePositionFromTypeIndex(text, anchor),
      head: Y.createRelativePositionFromTypeIndex(text, head),
    };
    onCursor?.(encodeCursor(text, replica.epoch, anchor, head));
  };

  const onInput = (): void => {
    const element = area.current;
    if (!element || !text || readOnly) return;
    const splice = textSplice(text.toString(), element.value);
    text.doc?.transact(() => applySplice(text, splice));
    rememberSelection();
  };

  const carets = useMemo<RemoteCaret[]>(() => {
    if (!text) return [];
    return others.flatMap((state) => {
      const position = decodeCursor(text, replica.epoch, state.cursor);
      if (!position) return [];
      const label = state.name.includes(state.nation) ? state.name : `${state.name} (${state.nation})`;
      return [{ key: state.clientId, label, color: participantColor(state.sub), ...position }];
    });
  }, [others, text, replica.epoch, value]); // `value`: positions move as the text changes

  if (!doc) return <p className="muted">Loading…</p>;

  return (
    <div className="collab-text">
      <div className="collab-mirror" ref={mirror} aria-hidden="true">
        {caretRuns(value, carets).map((run, index) =>
          run.kind === 'caret' ? (
            <span key={index} className="remote-caret" style={{ borderColor: run.owner.color }}>
              <span className="remote-caret-label" style={{ background: run.owner.color }}>
                {run.owner.label}
              </span>
            </span>
          ) : run.selectedBy ? (
            <mark key={index} style={{ background: `color-mix(in srgb, ${run.selectedBy.color} 25%, transparent)` }}>
              {run.text}
            </mark>
          ) : (
            <span key={index}>{run.text}</span>
          ),
        )}
        {'\u200b'}
      </div>
      <textarea
        ref={area}
        id={id}
        aria-label={label}
        defaultValue={value}
        readOnly={readOnly}
        placeholder={placeholder}
        spellCheck
        onInput={onInput}
        onSelect={rememberSelection}
        onFocus={rememberSelection}
        onBlur={() => onCursor?.(null)}
        onScroll={(event) => {
          if (mirror.current) mirror.current.scrollTop = event.currentTarget.scrollTop;
        }}
      />
    </div>
  );
}
