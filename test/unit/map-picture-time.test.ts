// Replaying the whole picture in time: features created later are left out, points stand where
// their last visible placement or move put them, shapes move with their first vertex, and a
// feature whose position then the reader may not know is left out and counted, never guessed.
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/protocol';
import type { TrackPoint } from '../../shared/rest';
import type { FeatureGeometry } from '../../shared/geo/geometry';
import type { MapFeature } from '../../client/src/map/mapFeatures';
import { pictureAt, pictureStart } from '../../client/src/map/pictureTime';

function feature(id: string, createdAt: string, geometry: FeatureGeometry): MapFeature {
  const envelope = { id, workspaceId: 'w', kind: 'feature', marking: 'UNCLASSIFIED', portion: '(U)', originator: 'USA', parentId: null, orderKey: 'a0', createdBy: 'u', createdAt, epoch: 0 } satisfies Envelope;
  return { envelope, geometry, name: id, sidc: undefined, affiliation: undefined, movedAt: '2026-11-30T11:00:00.000Z', version: '1' };
}
const point = (at: string, event: TrackPoint['event'], position: [number, number]): TrackPoint => ({ at, event, actor: { sub: 'usa-analyst', nation: 'USA' }, actorName: null, position });
const T = (hhmm: string) => Date.parse(`2026-11-30T${hhmm}:00.000Z`);

const contact = feature('contact', '2026-11-30T08:00:00.000Z', { type: 'Point', coordinates: [125.2, 26.2] });
const box = feature('box', '2026-11-30T08:30:00.000Z', { type: 'Polygon', coordinates: [[[124, 25], [125, 25], [125, 26], [124, 25]]] });
const late = feature('late', '2026-11-30T10:30:00.000Z', { type: 'Point', coordinates: [120, 20] });
const released = feature('released', '2026-11-30T08:00:00.000Z', { type: 'Point', coordinates: [121, 21] });
const tracks = {
  contact: [point('2026-11-30T08:00:00.000Z', 'placed', [125, 26]), point('2026-11-30T09:00:00.000Z', 'moved', [125.1, 26.1]), point('2026-11-30T11:00:00.000Z', 'moved', [125.2, 26.2])],
  box: [point('2026-11-30T08:30:00.000Z', 'placed', [123, 24]), point('2026-11-30T09:30:00.000Z', 'moved', [124, 25])],
  late: [point('2026-11-30T10:30:00.000Z', 'placed', [120, 20])],
  // Placed and first moved while not releasable to this reader: known only from 10:00.
  released: [point('2026-11-30T10:00:00.000Z', 'moved', [121, 21])],
};
const all = [contact, box, late, released];

describe('the picture at a moment', () => {
  it('puts each point where its last placement or move at or before then put it', () => {
    const at = pictureAt(all, tracks, T('09:15'));
    expect(at.features.map((f) => [f.envelope.id, f.geometry.type === 'Point' ? f.geometry.coordinates : null])).toEqual([
      ['contact', [125.1, 26.1]],
      ['box', null],
    ]);
    expect(at.features[0]!.movedAt).toBe('2026-11-30T09:00:00.000Z');
    expect(at.features[0]!.version).not.toBe(contact.version);
  });

  it('moves a shape with its first vertex, keeping its shape', () => {
    const [, moved] = pictureAt(all, tracks, T('09:00')).features;
    expect(moved!.geometry).toEqual({ type: 'Polygon', coordinates: [[[123, 24], [124, 24], [124, 25], [123, 24]]] });
    expect(pictureAt(all, tracks, T('09:45')).features[1]!.geometry).toEqual(box.geometry);
  });

  it('leaves out what was created later, and counts what the reader may not place then', () => {
    const early = pictureAt(all, tracks, T('09:15'));
    expect(early.features.map((f) => f.envelope.id)).not.toContain('late');
    expect(early.unknown).toBe(1);
    const later = pictureAt(all, tracks, T('11:30'));
    expect(later.features.map((f) => f.envelope.id)).toEqual(['contact', 'box', 'late', 'released']);
    expect(later.unknown).toBe(0);
    expect(pictureAt(all, {}, T('11:30')).unknown).toBe(4);
  });

  it('starts a whole number of slider steps before now, at or before the first feature’s creation, where it was placed (audited a moment later)', () => {
    expect(pictureStart(all, T('12:00'))).toBe(T('08:00'));
    const now = T('12:00') + 25_000;
    expect(pictureStart(all, now)).toBe(T('08:00') - 60_000 + 25_000);
    expect((now - pictureStart(all, now)) % 60_000).toBe(0);
    const audited = { contact: [point('2026-11-30T08:00:00.120Z', 'placed', [125, 26])] };
    expect(pictureAt([contact], audited, T('08:00')).features[0]!.geometry).toEqual({ type: 'Point', coordinates: [125, 26] });
    expect(pictureStart([], T('12:00'))).toBe(T('12:00'));
  });
});
