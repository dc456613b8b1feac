// A point's track history on the map: a leg per move, fading with age (the latest leg darkest),
// the replayed position marked with its time, and each point saying when, what and who (by name
// and nation, as the server recorded it).
import { describe, expect, it } from 'vitest';
import type { TrackPoint } from '../../shared/rest';
import { trackPointText, trackShapes } from '../../client/src/map/TrackHistory';

const points: TrackPoint[] = [
  { at: '2026-11-30T08:00:00.000Z', event: 'placed', actor: { sub: 'usa-analyst', nation: 'USA' }, actorName: 'Avery Cole', position: [125, 26] },
  { at: '2026-11-30T09:00:00.000Z', event: 'moved', actor: { sub: 'aus-analyst', nation: 'AUS' }, actorName: 'Liam Walsh', position: [125.1, 26] },
  { at: '2026-11-30T10:00:00.000Z', event: 'moved', actor: { sub: 'usa-analyst', nation: 'USA' }, actorName: null, position: [125.2, 26.1] },
  { at: '2026-11-30T11:30:00.000Z', event: 'moved', actor: { sub: 'usa-analyst', nation: 'USA' }, actorName: 'Avery Cole', position: [125.3, 26.1] },
];

describe('track history', () => {
  it('draws a leg per move from where it was placed, each older leg fainter than the next', () => {
    const legs = trackShapes(points, null);
    expect(legs.map((leg) => [leg.kind, leg.geometry.coordinates])).toEqual([
      ['track', [[125, 26], [125.1, 26]]],
      ['track', [[125.1, 26], [125.2, 26.1]]],
      ['track', [[125.2, 26.1], [125.3, 26.1]]],
    ]);
    const opacities = legs.map((leg) => leg.opacity!);
    expect(opacities[0]).toBeLessThan(opacities[1]!);
    expect(opacities[1]).toBeLessThan(opacities[2]!);
    expect(opacities[0]).toBeGreaterThan(0.1);
    expect(opacities[2]).toBeCloseTo(0.9, 9);
  });

  it('marks where the replay slider stands with the time of that point', () => {
    const replayed = trackShapes(points, 1).at(-1)!;
    expect(replayed).toEqual({ kind: 'measure', geometry: { type: 'Point', coordinates: [125.1, 26] }, label: '09:00Z' });
    expect(trackShapes(points.slice(0, 1), null)).toEqual([]);
  });

  it('says when, placed or moved, and by whom (name and nation; the account when no name is known)', () => {
    expect(trackPointText(points[0]!, 'dd')).toBe('2026-11-30 08:00Z · placed by Avery Cole (USA) · 26.0000°N 125.0000°E');
    expect(trackPointText(points[1]!, 'dd')).toBe('2026-11-30 09:00Z · moved by Liam Walsh (AUS) · 26.0000°N 125.1000°E');
    expect(trackPointText(points[2]!, 'dd')).toMatch(/ · moved by usa-analyst \(USA\) · /);
  });
});
