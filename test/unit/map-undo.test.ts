// Ctrl+Z on the map undoes one's own edits only, newest first across features, and never a
// partner's: a partner's later move of the same feature stands.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fieldsOf } from '../../shared/content';
import { MapUndo } from '../../client/src/map/undo';

const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

/** Two replicas of one feature kept in step, as the server relays updates between partners. */
function pair(start: object): [Y.Doc, Y.Doc] {
  const mine = new Y.Doc();
  const theirs = new Y.Doc();
  fieldsOf(mine).set('geometry', start);
  Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine));
  mine.on('update', (update: Uint8Array, origin: unknown) => origin !== 'relay' && Y.applyUpdate(theirs, update, 'relay'));
  theirs.on('update', (update: Uint8Array, origin: unknown) => origin !== 'relay' && Y.applyUpdate(mine, update, 'relay'));
  return [mine, theirs];
}

describe('undo of one’s own map edits', () => {
  it('undoes the latest own edit first, whichever feature it was on, and redoes it', () => {
    const [a] = pair(point(125, 26));
    const [b] = pair(point(120, 20));
    const docs = new Map([['a', a], ['b', b]]);
    const undo = new MapUndo();
    undo.edit('a', a, (fields) => fields.set('geometry', point(125.5, 26)));
    undo.edit('b', b, (fields) => fields.set('geometry', point(120.5, 20)));
    undo.edit('a', a, (fields) => fields.set('geometry', point(126, 26)));
    expect(undo.undo((id) => docs.get(id))).toBe('a');
    expect(fieldsOf(a).get('geometry')).toEqual(point(125.5, 26));
    expect(undo.undo((id) => docs.get(id))).toBe('b');
    expect(fieldsOf(b).get('geometry')).toEqual(point(120, 20));
    expect(undo.redo((id) => docs.get(id))).toBe('b');
    expect(fieldsOf(b).get('geometry')).toEqual(point(120.5, 20));
  });

  it('never undoes a partner’s edit, and leaves a partner’s later move of the same feature standing', () => {
    const [mine, theirs] = pair(point(125, 26));
    const undo = new MapUndo();
    // A partner's edit only: nothing of mine to undo.
    fieldsOf(theirs).set('name', 'Contact');
    expect(undo.undo(() => mine)).toBeNull();
    expect(fieldsOf(mine).get('name')).toBe('Contact');
    // I move it; the partner moves it after me; my Ctrl+Z must not put it back over their move.
    undo.edit('f', mine, (fields) => fields.set('geometry', point(125.5, 26)));
    fieldsOf(theirs).set('geometry', point(127, 27));
    undo.undo(() => mine);
    expect(fieldsOf(mine).get('geometry')).toEqual(point(127, 27));
    expect(fieldsOf(theirs).get('geometry')).toEqual(point(127, 27));
  });
});
