// @vitest-environment happy-dom
// Titles, names and answers are merged text, like paragraphs: two people typing in one title at
// the same time both keep what they typed (before, the field was a string and the last keystroke
// to arrive replaced the other person's). Content written before as a plain string still reads,
// and becomes merged text at its first edit.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildContent, editableFieldText, fieldsOf, fieldText } from '../../shared/content';
import { replayChanges } from '../../client/src/session/contentDiff';
import { ObjectReplica } from '../../client/src/session/replica';
import { FieldInput } from '../../client/src/text/FieldInput';

afterEach(cleanup);

/** Content with the title as a plain string, as stored before titles were merged text. */
function legacyContent(title: string): Uint8Array {
  const doc = new Y.Doc();
  fieldsOf(doc).set('title', title);
  return Y.encodeStateAsUpdate(doc);
}

function setup(content: Uint8Array) {
  const sent: Uint8Array[] = [];
  const replica = new ObjectReplica('r1', 0, content, (_replica, update) => sent.push(update));
  render(<FieldInput replica={replica} field="title" label="Report title" readOnly={false} />);
  return { replica, sent, input: screen.getByLabelText('Report title') as HTMLInputElement };
}

/** Another participant's copy of the doc, as the server would hand it to them now. */
function peerOf(doc: Y.Doc): Y.Doc {
  const peer = new Y.Doc();
  Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
  return peer;
}

const type = (input: HTMLInputElement, value: string) => {
  input.value = value;
  fireEvent.input(input);
};

describe('text fields', () => {
  it('are created as merged text, and read the same whether merged or a plain string', () => {
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, buildContent({ fields: { title: 'Convoy', status: 'open' } }));
    expect(fieldsOf(fresh).get('title')).toBeInstanceOf(Y.Text);
    expect(fieldsOf(fresh).get('status')).toBe('open');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, legacyContent('Convoy'));
    expect(fieldText(doc, 'title')).toBe('Convoy');
    const text = editableFieldText(doc, 'title');
    expect(fieldsOf(doc).get('title')).toBe(text);
    expect(fieldText(doc, 'title')).toBe('Convoy');
    expect(editableFieldText(doc, 'title')).toBe(text);
    expect(fieldText(doc, 'missing')).toBeUndefined();
  });

  it('turns typing into an edit of the shared text, sent once, even in a plain-string title', () => {
    const { replica, sent, input } = setup(legacyContent('Harbour'));
    expect(input.value).toBe('Harbour');
    type(input, 'Harbour summary');
    expect(fieldsOf(replica.doc).get('title')).toBeInstanceOf(Y.Text);
    expect(fieldText(replica.doc, 'title')).toBe('Harbour summary');
    expect(sent).toHaveLength(1);
  });

  it('merges two people typing in one title at once, and keeps the local caret on its word', () => {
    const { replica, input } = setup(buildContent({ fields: { title: 'Harbour summary' } }));
    const peer = peerOf(replica.doc);
    // Concurrently, from the first keystroke: the peer puts a word in front, the local user adds one at the end.
    editableFieldText(peer, 'title').insert(0, 'North ');
    input.focus();
    type(input, 'Harbour summary, 06:00');
    input.setSelectionRange(8, 8); // before "summary"
    fireEvent.select(input);
    act(() => replica.applyRemote(Y.encodeStateAsUpdate(peer, Y.encodeStateVector(replica.doc))));
    expect(input.value).toBe('North Harbour summary, 06:00');
    expect(input.selectionStart).toBe(14);
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(replica.doc, Y.encodeStateVector(peer)));
    expect(fieldText(peer, 'title')).toBe('North Harbour summary, 06:00');
  });

  it('stay merged text when local edits are carried onto a new epoch', () => {
    const old = new Y.Doc();
    Y.applyUpdate(old, legacyContent('Convoy'));
    const base = new Y.Doc();
    Y.applyUpdate(base, Y.encodeStateAsUpdate(old));
    editableFieldText(old, 'title').insert(6, ' north');
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, legacyContent('Convoy'));
    replayChanges(base, old, fresh);
    expect(fieldsOf(fresh).get('title')).toBeInstanceOf(Y.Text);
    expect(fieldText(fresh, 'title')).toBe('Convoy north');
  });
});
