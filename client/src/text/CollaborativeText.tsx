// A textarea bound to an object's `body` Y.Text (useMergedText: local input becomes a minimal
// splice, remote edits keep the local caret where it was), with other participants' carets and
// selections painted on an overlay that mirrors the textarea's text.
import { useMemo, useRef } from 'react';
import { bodyOf } from '../../../shared/content';
import type { PresenceState } from '../../../shared/protocol';
import { useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { caretRuns, participantColor, type RemoteCaret } from './caretLayout';
import { decodeCursor, encodeCursor, type SharedCursor } from './cursor';
import { useMergedText } from './useMergedText';

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

export function CollaborativeText({ replica, label, readOnly, others, onCursor, placeholder, id }: Props) {
  const doc = useReplicaDoc(replica);
  const mirror = useRef<HTMLDivElement>(null);
  const text = doc ? bodyOf(doc) : null;
  const value = text ? text.toString() : '';
  const source = doc && text ? { doc, value, current: () => text, editable: () => text } : null;
  const binding = useMergedText<HTMLTextAreaElement>(source, readOnly, (body, anchor, head) =>
    onCursor?.(encodeCursor(body, replica.epoch, anchor, head)),
  );

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
        ref={binding.ref}
        id={id}
        aria-label={label}
        defaultValue={value}
        readOnly={readOnly}
        placeholder={placeholder}
        spellCheck
        onInput={binding.onInput}
        onSelect={binding.onSelect}
        onFocus={binding.onSelect}
        onBlur={() => onCursor?.(null)}
        onScroll={(event) => {
          if (mirror.current) mirror.current.scrollTop = event.currentTarget.scrollTop;
        }}
      />
    </div>
  );
}
