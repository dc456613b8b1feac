// The map's speed-ups must not change what it shows: land cut into pieces covers exactly the
// land (no gap, no coast drawn along a cut), and points clustered per zoom level are each drawn
// once, with the selected point always on its own.
import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import VectorSource from 'ol/source/Vector';
import { describe, expect, it } from 'vitest';
import { clipRing, landPieces, runs, type Area, type Ring } from '../../client/src/map/landPieces';
import { clusterPoints } from '../../client/src/map/zoomClusters';

const flat = (points: number[][]): Ring => points.flat();

function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 2; i += 2) sum += ring[i]! * ring[i + 3]! - ring[i + 2]! * ring[i + 1]!;
  return sum / 2;
}

/** An area's area: the outer ring's less its holes', whatever their winding. */
function areaOf(area: Area): number {
  return Math.abs(ringArea(area[0]!)) - area.slice(1).reduce((sum, hole) => sum + Math.abs(ringArea(hole)), 0);
}

/** A jagged star (concave, like a coastline) of `points` points around (cx, cy), scaled by `scale`. */
function star(points: number, cx: number, cy: number, seed: number, scale = 1): Ring {
  const ring = Array.from({ length: points }, (_, i) => {
    const angle = (2 * Math.PI * i) / points;
    const radius = scale * (100 + 60 * Math.sin(i * seed) + 30 * Math.cos(i * 0.37));
    return [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)];
  });
  return flat([...ring, ring[0]!]);
}

describe('land cut into pieces', () => {
  it('clips a ring to a half-plane, closed, and gives nothing when it lies wholly on the other side', () => {
    const square = flat([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]);
    expect(clipRing(square, 0, 4, true)).toEqual(flat([[0, 0], [4, 0], [4, 10], [0, 10], [0, 0]]));
    expect(clipRing(square, 1, 20, false)).toBeNull();
  });

  it('covers exactly the land: the pieces add up to its area, each small, holes kept', () => {
    const hole = star(300, 5000, 5000, 3, 0.25);
    const areas: Area[] = [[star(5000, 0, 0, 7)], [star(3000, 5000, 5000, 11), hole]];
    const { areas: pieces } = landPieces(areas, 256, 0);
    const total = areas.reduce((sum, a) => sum + areaOf(a), 0);
    const covered = pieces.reduce((sum, a) => sum + areaOf(a), 0);
    expect(pieces.length).toBeGreaterThan(20);
    expect(covered).toBeCloseTo(total, 3);
    for (const piece of pieces) expect(piece.reduce((n, ring) => n + ring.length / 2, 0)).toBeLessThanOrEqual(256 + 16);
  });

  it('overlaps neighbouring pieces by the margin asked, never beyond the land', () => {
    const square: Area = [flat([[0, 0], [1000, 0], [1000, 1000], [0, 1000], [0, 0]])];
    const dense: Area = [flat([...Array.from({ length: 1000 }, (_, i) => [i, 0]), [1000, 0], [1000, 1000], [0, 1000], [0, 0]])];
    const { areas: pieces } = landPieces([dense], 256, 5);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) expect(piece[0]!.every((c) => c >= 0 && c <= 1000)).toBe(true);
    expect(pieces.reduce((sum, a) => sum + areaOf(a), 0)).toBeGreaterThan(areaOf(square));
  });

  it('keeps the coastline apart as runs that join end to end and cover every point of every ring', () => {
    const ring = star(1000, 0, 0, 5);
    const pieces = runs(ring, 100);
    expect(pieces.every((run) => run.length <= 200)).toBe(true);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.slice(0, 2)).toEqual(pieces[i - 1]!.slice(-2));
    expect(pieces.flatMap((run, i) => (i === 0 ? run : run.slice(2)))).toEqual(ring);
    expect(landPieces([[ring]], 100, 0).coasts).toEqual(pieces);
  });
});

describe('points clustered per zoom level', () => {
  function source(coordinates: number[][]): VectorSource<Feature<Point>> {
    return new VectorSource({
      features: coordinates.map((c, i) => {
        const f = new Feature(new Point(c));
        f.setId(`p${i}`);
        return f;
      }),
    });
  }
  const members = (f: Feature) => (f.get('features') as Feature[] | undefined) ?? [f];

  it('draws every point exactly once: alone as itself, near others inside one cluster', () => {
    const points = source([[0, 0], [10, 10], [20, 0], [1000, 1000], [5000, 5000]]);
    const clusters = clusterPoints(points as VectorSource<Feature>, 1, 34);
    const ids = clusters.flatMap((c) => members(c).map((m) => m.getId()));
    expect(ids.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(clusters.map((c) => members(c).length).sort()).toEqual([1, 1, 3]);
    expect(clusters.filter((c) => !c.get('features')).map((c) => c.getId()).sort()).toEqual(['p3', 'p4']);
  });

  it('never hides the selected point inside a cluster', () => {
    const points = source([[0, 0], [10, 10], [20, 0]]);
    const selected = points.getFeatureById('p1')!;
    const clusters = clusterPoints(points as VectorSource<Feature>, 1, 34, selected);
    expect(clusters).toContain(selected);
    expect(clusters.filter((c) => c !== selected).flatMap(members).map((m) => m.getId()).sort()).toEqual(['p0', 'p2']);
    expect(clusterPoints(points as VectorSource<Feature>, 0.1, 34).every((c) => !c.get('features'))).toBe(true);
  });
});
