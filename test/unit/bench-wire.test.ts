// The light receivers' view of Tearline's base64 frames: the edit markers hidden in base64
// `update` strings are found again without parsing JSON or applying Yjs.
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { markerText, scanMarkers } from '../../bench/markers';
import { base64Updates } from '../../bench/wire/base64-updates';

function edit(writer: number, seqs: number[]): Uint8Array {
  const doc = new Y.Doc({ guid: `object-${writer}` });
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const text = doc.getText('body');
  for (const seq of seqs) text.insert(text.length, markerText(writer, seq));
  return Y.mergeUpdates(updates);
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function found(frame: string): [number, number][] {
  const edits: [number, number][] = [];
  scanMarkers(base64Updates(Buffer.from(frame, 'latin1')), (writer, seq) => edits.push([writer, seq]));
  return edits;
}

test('a doc:updates frame hides its markers until its update strings are decoded', () => {
  const updates = [
    { id: 'obj-1', epoch: 0, update: base64(edit(1, [7, 8])) },
    { id: 'obj-2', epoch: 3, update: base64(edit(2, [0])) },
  ];
  const frame = `42${JSON.stringify(['doc:updates', { updates }])}`;
  expect(scanMarkers(Buffer.from(frame), () => {})).toBe(0);
  expect(found(frame)).toEqual([[1, 7], [1, 8], [2, 0]]);
});

test('doc:reset events and doc:sync answers are read the same way', () => {
  const reset = `42${JSON.stringify(['doc:reset', { id: 'obj-1', epoch: 1, update: base64(edit(4, [2])) }])}`;
  const ack = `4317${JSON.stringify([{ ok: true, docs: [{ id: 'obj-9', epoch: 0, update: base64(edit(9, [5])) }], missing: [] }])}`;
  expect(found(reset)).toEqual([[4, 2]]);
  expect(found(ack)).toEqual([[9, 5]]);
});

test('frames without updates give nothing to scan', () => {
  expect(base64Updates(Buffer.from('2')).length).toBe(0);
  const added = `42${JSON.stringify(['object:added', { id: 'obj-1', marking: 'SECRET//REL TO USA, GBR' }])}`;
  expect(base64Updates(Buffer.from(added)).length).toBe(0);
});
