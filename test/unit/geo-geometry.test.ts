// Geometry normalisation: whatever ring comes in (either winding, across the antimeridian),
// what is stored and drawn encloses the area drawn, never the rest of the world.
import { geoArea } from 'd3-geo';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LonLat } from '../../shared/geo/coordinates';
import { geometryFrom, planarArea, normaliseForRead, normaliseForWrite, translateGeometry, verticesOf, type FeatureGeometry } from '../../shared/geo/geometry';


/**
 * The part of the sphere the polygon encloses under the RFC 7946 right-hand rule. d3-geo reads
 * rings the other way round (clockwise encloses), so it is handed the rings reversed.
 */
const enclosedSteradians = (polygon: FeatureGeometry & { type: 'Polygon' }) =>
  geoArea({ type: 'Polygon', coordinates: polygon.coordinates.map((ring) => [...ring].reverse()) });

// A simple (star-shaped) ring around a centre anywhere on the globe, given in either winding and
// with longitudes wrapped into −180…180 the way a crossing shape arrives from a click or a file.
const simpleRing = fc
  .record({
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    lat: fc.double({ min: -60, max: 60, noNaN: true }),
    angles: fc.uniqueArray(fc.integer({ min: 0, max: 359 }), { minLength: 3, maxLength: 12 }),
    radius: fc.double({ min: 0.01, max: 20, noNaN: true }),
    clockwise: fc.boolean(),
  })
  .map(({ lon, lat, angles, radius, clockwise }) => {
    const sorted = [...angles].sort((a, b) => (clockwise ? b - a : a - b));
    return sorted.map((deg): LonLat => {
      const x = lon + radius * Math.cos((deg * Math.PI) / 180);
      return [((((x + 180) % 360) + 360) % 360) - 180, lat + radius * Math.sin((deg * Math.PI) / 180)];
    });
  });

describe('ring normalisation', () => {
  it('property: any generated ring, either winding, anywhere, never encloses more than half the globe', () => {
    fc.assert(
      fc.property(simpleRing, (vertices) => {
        const geometry = normaliseForRead({ type: 'Polygon', coordinates: [[...vertices, vertices[0]!]] });
        if (geometry.type !== 'Polygon') return; // degenerate (all vertices equal after rounding)
        expect(planarArea(geometry.coordinates[0]!)).toBeGreaterThanOrEqual(0);
        expect(enclosedSteradians(geometry)).toBeLessThan(2 * Math.PI);
      }),
      { numRuns: 500 },
    );
  });

  it('property: an area saved from any generated ring is wound counter-clockwise or refused with a reason', () => {
    const anyRing = fc.array(fc.tuple(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -80, max: 80, noNaN: true })), { minLength: 3, maxLength: 8 });
    fc.assert(
      fc.property(anyRing, (vertices) => {
        const checked = normaliseForWrite({ type: 'Polygon', coordinates: [[...(vertices as LonLat[]), vertices[0] as LonLat]] });
        if (!checked.ok) {
          expect(checked.reason).toMatch(/cross each other|at least 3 different positions|no surface/);
          return;
        }
        expect(checked.geometry.type).toBe('Polygon');
        expect(planarArea((checked.geometry as { coordinates: LonLat[][] }).coordinates[0]!)).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('turns a clockwise area counter-clockwise (the world-painting bug)', () => {
    const clockwise = geometryFrom('Polygon', [
      [120, 20],
      [120, 25],
      [125, 25],
      [125, 20],
    ]);
    expect(clockwise.coordinates[0]).toEqual([
      [120, 20],
      [125, 20],
      [125, 25],
      [120, 25],
      [120, 20],
    ]);
    expect(enclosedSteradians(clockwise as FeatureGeometry & { type: 'Polygon' })).toBeLessThan(0.01);
  });

  it('keeps an area across the antimeridian small and continuous', () => {
    const area = geometryFrom('Polygon', [
      [179, -17],
      [-179, -17],
      [-179, -19],
      [179, -19],
    ]);
    const lons = verticesOf(area).map(([lon]) => lon);
    expect(Math.max(...lons) - Math.min(...lons)).toBe(2);
    expect(enclosedSteradians(area as FeatureGeometry & { type: 'Polygon' })).toBeLessThan(0.01);
  });

  it('refuses an area whose edges cross, saying where', () => {
    expect(() =>
      geometryFrom('Polygon', [
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
      ]),
    ).toThrow(/edges cross each other near 1\.0000°N 1\.0000°E/);
  });

  it('moves a shape across the date line without breaking it', () => {
    const line = geometryFrom('LineString', [
      [179, 10],
      [170, 20],
    ]);
    expect(translateGeometry(line, 2, -1)).toEqual({ type: 'LineString', coordinates: [[181, 9], [172, 19]] });
    expect(translateGeometry({ type: 'Point', coordinates: [179.5, 0] }, 1, 0)).toEqual({ type: 'Point', coordinates: [-179.5, 0] });
  });

  it('refuses too few positions', () => {
    expect(() => geometryFrom('LineString', [[0, 0]])).toThrow('A line needs at least 2 positions.');
    expect(() => geometryFrom('Polygon', [[0, 0], [1, 1], [0, 0]])).toThrow(/at least 3 different positions/);
  });
});
