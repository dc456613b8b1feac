// Unacknowledged local edits carried onto a new epoch (a widening re-mark rebuilt the doc): the
// replay is a three-way merge against what the server had confirmed, so edits by others that this
// replica had not received yet (already in the new epoch's content) survive it (DESIGN.md,
// invariant 2). Each case goes through ObjectReplica as the session drives it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { diffText, replayChanges } from '../../client/src/session/contentDiff';
import { ObjectReplica } from '../../client/src/session/replica';
import { bodyOf, buildContent, editableFieldText, encodeFreshContent, fieldsOf, fieldText } from '../../shared/content';

/** A server doc and a replica of it that sends nowhere (updates stay unacknowledged until acked here). */
function setup(init: Parameters<typeof buildContent>[0]) {
  const server = new Y.Doc();
  Y.applyUpdate(server, buildContent(init));
  const sent: Uint8Array[] = [];
  const replica = new ObjectReplica('o', 0, Y.encodeStateAsUpdate(server), (_replica, update) => sent.push(update));
  return { server, replica, sent };
}

/** The server takes an update from the replica and acknowledges it. */
function deliver(server: Y.Doc, replica: ObjectReplica, update: Uint8Array): void {
  Y.applyUpdate(server, update);
  replica.acknowledge(update);
}

/** The widening: a history-free copy of the server's content, sent as the new epoch. */
function widen(server: Y.Doc, replica: ObjectReplica): void {
  replica.reset(replica.epoch + 1, encodeFreshContent(server));
}

describe('replaying unacknowledged edits onto a new epoch', () => {
  it('keeps a remote insertion elsewhere and the local one', () => {
    const { server, replica } = setup({ body: 'Convoy sighted near the bridge.' });
    bodyOf(server).insert(0, 'FDO: ');
    bodyOf(replica.doc).insert(bodyOf(replica.doc).length - 1, ', heading north');
    widen(server, replica);
    expect(bodyOf(replica.doc).toString()).toBe('FDO: Convoy sighted near the bridge, heading north.');
    expect(replica.unacked).toHaveLength(1);
  });

  it('keeps a remote deletion and a local insertion, even inside what was deleted', () => {
    const { server, replica } = setup({ body: 'Six old trucks moved north at dawn.' });
    bodyOf(server).delete(4, 4); // "old "
    bodyOf(server).delete(bodyOf(server).length - 9, 8); // " at dawn"
    bodyOf(replica.doc).insert(29, '!'); // inside " at dawn"
    bodyOf(replica.doc).insert(8, 'armoured ');
    bodyOf(replica.doc).insert(0, 'Confirmed: ');
    widen(server, replica);
    expect(bodyOf(replica.doc).toString()).toBe('Confirmed: Six armoured trucks moved north!.');
  });

  it('never deletes text inserted remotely inside a range deleted locally', () => {
    const { server, replica } = setup({ body: 'one two three four' });
    bodyOf(server).insert(8, 'TWO-AND-A-HALF ');
    bodyOf(replica.doc).delete(4, 10); // "two three "
    widen(server, replica);
    expect(bodyOf(replica.doc).toString()).toBe('one TWO-AND-A-HALF four');
  });

  it('a field changed on both sides takes the local value; a field changed only remotely keeps its', () => {
    const { server, replica } = setup({ fields: { title: 'RFI', status: 'open', assignedNation: null, note: 'x' }, body: '' });
    fieldsOf(server).set('status', 'assigned');
    fieldsOf(server).set('assignedNation', 'GBR');
    fieldsOf(server).delete('note');
    fieldsOf(replica.doc).set('status', 'answered');
    widen(server, replica);
    expect(fieldsOf(replica.doc).toJSON()).toEqual({ title: 'RFI', status: 'answered', assignedNation: 'GBR' });
  });

  it('merges typing in a Y.Text title', () => {
    const { server, replica } = setup({ fields: { title: 'Harbour summary' }, body: '' });
    editableFieldText(server, 'title').insert(0, 'North ');
    editableFieldText(replica.doc, 'title').insert(15, ', 06:00');
    widen(server, replica);
    expect(fieldsOf(replica.doc).get('title')).toBeInstanceOf(Y.Text);
    expect(fieldText(replica.doc, 'title')).toBe('North Harbour summary, 06:00');
  });

  it('does not bring back acknowledged text that others deleted since', () => {
    const { server, replica, sent } = setup({ body: 'Alpha.' });
    bodyOf(replica.doc).insert(5, ' bravo');
    bodyOf(replica.doc).insert(11, ' charlie');
    deliver(server, replica, sent[0]!); // " bravo" is confirmed, " charlie" is not
    bodyOf(server).delete(5, 6); // someone removes " bravo"
    widen(server, replica);
    expect(bodyOf(replica.doc).toString()).toBe('Alpha charlie.');
  });

  it('takes an edit once when its acknowledgement was lost but the server had it', () => {
    const { server, replica, sent } = setup({ body: 'Alpha.' });
    bodyOf(replica.doc).insert(5, ' bravo');
    Y.applyUpdate(server, sent[0]!); // applied, acknowledgement lost
    widen(server, replica);
    expect(bodyOf(replica.doc).toString()).toBe('Alpha bravo.');
    expect(replica.unacked).toHaveLength(0);
  });

  it('replays nothing once everything was acknowledged', () => {
    const { server, replica, sent } = setup({ body: 'Alpha.' });
    bodyOf(replica.doc).insert(5, ' bravo');
    deliver(server, replica, sent[0]!);
    bodyOf(server).delete(0, 5);
    widen(server, replica);
    expect(bodyOf(replica.doc).toString()).toBe(' bravo.');
    expect(replica.unacked).toHaveLength(0);
  });

  it('replays the new epoch edits after a second reset (the base follows the new epoch)', () => {
    const { server, replica, sent } = setup({ body: 'a b c' });
    bodyOf(replica.doc).insert(5, ' d');
    widen(server, replica); // the replay is the new epoch's unacknowledged update
    const next = new Y.Doc();
    Y.applyUpdate(next, encodeFreshContent(server));
    server.destroy();
    bodyOf(next).insert(0, 'X ');
    expect(sent).toHaveLength(2);
    replica.reset(replica.epoch + 1, encodeFreshContent(next));
    expect(bodyOf(replica.doc).toString()).toBe('X a b c d');
  });
});

describe('three-way text merge', () => {
  const textDoc = (body: string) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildContent({ body }));
    return doc;
  };

  it('diffs into splices that rebuild the text, surrogate pairs whole', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c', '😀', '😃') }), fc.string({ unit: fc.constantFrom('a', 'b', 'c', '😀', '😃') }), (before, after) => {
        const a = Array.from(before);
        const out: string[] = [];
        let i = 0;
        for (const op of diffText(before, after)) {
          if (op.kind === 'equal') out.push(...a.slice(i, (i += op.count)));
          else if (op.kind === 'delete') i += op.count;
          else out.push(...op.text);
        }
        expect(i).toBe(a.length);
        expect(out.join('')).toBe(after);
      }),
    );
  });

  it('keeps every token inserted on either side', () => {
    // Unique tokens (capital letters) inserted into a text of lower-case words on two sides: all
    // survive the merge.
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    const edit = fc.record({ at: fc.nat({ max: 100 }), remove: fc.boolean() });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), fc.array(edit, { maxLength: 6 }), (localEdits, remoteEdits) => {
        const base = words.join(' ');
        let token = 0;
        const play = (edits: { at: number; remove: boolean }[], doc: Y.Doc, prefix: string) => {
          const inserted: string[] = [];
          for (const { at, remove } of edits) {
            const body = bodyOf(doc);
            const index = at % (body.length + 1);
            if (remove && index < body.length) body.delete(index, Math.min(3, body.length - index));
            else {
              const text = `${prefix}${token++}#`;
              body.insert(index, ` ${text} `);
              inserted.push(text);
            }
          }
          return inserted;
        };
        const baseDoc = textDoc(base);
        const local = textDoc(base);
        const remote = textDoc(base);
        const localTokens = play(localEdits, local, 'L');
        const remoteTokens = play(remoteEdits, remote, 'R');
        const remoteTokensLeft = remoteTokens.filter((t) => bodyOf(remote).toString().includes(` ${t} `));
        const localTokensLeft = localTokens.filter((t) => bodyOf(local).toString().includes(` ${t} `));
        replayChanges(baseDoc, local, remote);
        const merged = bodyOf(remote).toString();
        for (const t of [...remoteTokensLeft, ...localTokensLeft]) expect(merged).toContain(t);
      }),
    );
  });
});
