// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  formatVertices,
  geometryFrom,
  isGeometry,
  parseVertices,
  translateGeometry,
  verticesOf,
} from '../../client/src/map/geometry';
import { MAP_HEIGHT, MAP_WIDTH, projectionFor, WORLD_VIEW, zoomAt } from '../../client/src/map/viewport';

describe('feature geometry', () => {
  it('builds points, lines and closed polygons from placed positions', () => {
    expect(geometryFrom('Point', [[44.5, 12.8]])).toEqual({ type: 'Point', coordinates: [44.5, 12.8] });
    const area = geometryFrom('Polygon', [
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(area).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
    expect(verticesOf(area)).toEqual([[0, 0], [1, 0], [1, 1]]);
    expect(isGeometry(area)).toBe(true);
    expect(() => geometryFrom('LineString', [[0, 0]])).toThrow('A line needs at least 2 positions.');
  });

  it('rejects what is not a GeoJSON geometry it can draw', () => {
    expect(isGeometry({ type: 'Point', coordinates: ['x', 1] })).toBe(false);
    expect(isGeometry({ type: 'LineString', coordinates: [[0, 0]] })).toBe(false);
    expect(isGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 1]]] })).toBe(false);
    expect(isGeometry(null)).toBe(false);
  });

  it('reads typed positions and names the one it cannot read', () => {
    expect(parseVertices('44.5 12.8; -3, 51.5')).toEqual([[44.5, 12.8], [-3, 51.5]]);
    expect(formatVertices([[44.5, 12.8], [-3, 51.5]])).toBe('44.5 12.8; -3 51.5');
    expect(() => parseVertices('44.5 12.8; north')).toThrow('Position 2 ("north") is not "longitude latitude".');
    expect(() => parseVertices('200 10')).toThrow(/off the globe/);
  });

  it('moves every vertex and wraps across the date line', () => {
    const line = geometryFrom('LineString', [[179, 10], [170, 20]]);
    expect(translateGeometry(line, 2, -1)).toEqual({ type: 'LineString', coordinates: [[-179, 9], [172, 19]] });
  });
});

describe('map viewport', () => {
  it('keeps the point under the pointer fixed while zooming', () => {
    const anchor: [number, number] = [700, 120];
    const before = projectionFor(WORLD_VIEW).invert!(anchor)!;
    const zoomed = zoomAt(WORLD_VIEW, 2, anchor);
    const after = projectionFor(zoomed).invert!(anchor)!;
    expect(zoomed.zoom).toBe(2);
    expect(after[0]).toBeCloseTo(before[0], 6);
    expect(after[1]).toBeCloseTo(before[1], 6);
  });

  it('centres the world and never zooms out past it', () => {
    const centre = projectionFor(WORLD_VIEW)([0, 0])!;
    expect(centre[0]).toBeCloseTo(MAP_WIDTH / 2);
    expect(centre[1]).toBeCloseTo(MAP_HEIGHT / 2);
    expect(zoomAt(WORLD_VIEW, 0.5).zoom).toBe(1);
  });
});
