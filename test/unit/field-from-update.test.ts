// A field of an object's content read from its update bytes, without a doc (issue 18): the same
// value the doc gives, after rewrites, deletions, typing around it and concurrent writes.
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { bodyOf, buildContent, fieldsOf } from '../../shared/content';
import { fieldFromUpdate, UNSETTLED } from '../../client/src/session/fieldFromUpdate';
import { ObjectReplica } from '../../client/src/session/replica';

function docOf(update: Uint8Array, clientID?: number): Y.Doc {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  Y.applyUpdate(doc, update);
  return doc;
}

describe('fieldFromUpdate', () => {
  it('reads a field as the doc does, after rewrites of it and of its neighbours', () => {
    const doc = docOf(buildContent({ fields: { title: 'Contact', when: '2025-01-01T09:00:00.000Z', status: 'open' }, body: 'Seen at dawn.' }));
    const fields = fieldsOf(doc);
    fields.set('when', '2025-01-01T10:00:00.000Z');
    bodyOf(doc).insert(0, 'Update: ');
    fields.set('when', '2025-01-02T08:30:00.000Z');
    fields.set('status', 'answered');
    fields.delete('title');
    const update = Y.encodeStateAsUpdate(doc);
    expect(fieldFromUpdate(update, 'when')).toBe('2025-01-02T08:30:00.000Z');
    expect(fieldFromUpdate(update, 'status')).toBe('answered');
    expect(fieldFromUpdate(update, 'absent')).toBeUndefined();
    // A text field is a shared type: the bytes do not settle it.
    expect(fieldFromUpdate(buildContent({ fields: { name: 'Buoy' } }), 'name')).toBe(UNSETTLED);
  });

  it('reads the latest value across updates kept apart, and leaves two concurrent values to the doc', () => {
    const start = buildContent({ fields: { when: 'a' } });
    const one = docOf(start, 1);
    const two = docOf(start, 2);
    const before = Y.encodeStateVector(one);
    fieldsOf(one).set('when', 'b');
    const later = Y.encodeStateAsUpdate(one, before);
    expect(fieldFromUpdate(Y.mergeUpdates([start, later]), 'when')).toBe('b');
    fieldsOf(two).set('when', 'c');
    const concurrent = Y.mergeUpdates([start, later, Y.encodeStateAsUpdate(two, before)]);
    expect(fieldFromUpdate(concurrent, 'when')).toBe(UNSETTLED);
  });

  it('agrees with the doc, or defers to it, over 200 seeded runs of three writers', () => {
    let seed = 20261130;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let run = 0; run < 200; run++) {
      const start = buildContent({ fields: { when: 't0', status: 'open' }, body: 'Text.' });
      const writers = [1, 2, 3].map((id) => docOf(start, id));
      const bytes = [start];
      for (let step = 0; step < 12; step++) {
        const writer = writers[random(3)]!;
        const before = Y.encodeStateVector(writer);
        const action = random(4);
        if (action === 0) fieldsOf(writer).set('when', `t${run}.${step}`);
        else if (action === 1) fieldsOf(writer).delete('when');
        else if (action === 2) bodyOf(writer).insert(random(bodyOf(writer).length + 1), `w${step} `);
        else fieldsOf(writer).set('status', `s${step}`);
        const update = Y.encodeStateAsUpdate(writer, before);
        bytes.push(update);
        // Now and then a writer hears the others (so later writes follow theirs).
        if (random(2) === 0) for (const other of writers) Y.applyUpdate(other, Y.mergeUpdates(bytes));
      }
      const merged = Y.mergeUpdates(bytes);
      const truth = docOf(merged);
      for (const update of [merged, Y.encodeStateAsUpdate(truth)]) {
        for (const name of ['when', 'status']) {
          const read = fieldFromUpdate(update, name);
          if (read !== UNSETTLED) expect(read, `run ${run}, ${name}`).toEqual(fieldsOf(truth).get(name));
        }
      }
      // A doc's own state settles every field whose writes it has merged.
      expect(fieldFromUpdate(Y.encodeStateAsUpdate(truth), 'when')).not.toBe(UNSETTLED);
    }
  });

  it('lets a replica answer a field without building its doc, and follow remote edits', () => {
    const source = docOf(buildContent({ fields: { status: 'open' }, body: 'Which vessels?' }));
    const replica = new ObjectReplica('rfi-1', 0, Y.encodeStateAsUpdate(source), null);
    expect(replica.field('status')).toBe('open');
    const before = Y.encodeStateVector(source);
    fieldsOf(source).set('status', 'answered');
    replica.applyRemote(Y.encodeStateAsUpdate(source, before));
    expect(replica.field('status')).toBe('answered');
    expect(replica.hasDoc).toBe(false);
    expect(fieldsOf(replica.doc).get('status')).toBe('answered');
    expect(replica.field('status')).toBe('answered');
  });
});
