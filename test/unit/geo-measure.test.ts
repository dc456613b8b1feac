import { describe, expect, it } from 'vitest';
import { areaSquareMetres, bearingTrue, formatBearing, formatDistance, lengthMetres, rangeMetres, rangeRing, METRES_PER_NM } from '../../shared/geo/measure';

describe('measurement', () => {
  it('gives range and true bearing along a meridian and the equator', () => {
    expect(rangeMetres([0, 0], [0, 1]) / METRES_PER_NM).toBeCloseTo(60.04, 1);
    expect(bearingTrue([0, 0], [0, 1])).toBeCloseTo(0, 6);
    expect(bearingTrue([0, 0], [1, 0])).toBeCloseTo(90, 6);
    expect(bearingTrue([0, 0], [0, -1])).toBeCloseTo(180, 6);
    expect(bearingTrue([0, 0], [-1, 0])).toBeCloseTo(270, 6);
    expect(formatBearing(5.04)).toBe('005.0° T');
    expect(formatBearing(359.96)).toBe('000.0° T');
    expect(formatBearing(212.34, 'M')).toBe('212.3° M');
  });

  it('measures London to Paris like an atlas does (about 185 nm, bearing about 148°)', () => {
    const london: [number, number] = [-0.1276, 51.5072];
    const paris: [number, number] = [2.3522, 48.8566];
    expect(rangeMetres(london, paris) / 1000).toBeCloseTo(343.5, 0);
    expect(bearingTrue(london, paris)).toBeCloseTo(148.1, 0);
    expect(formatDistance(rangeMetres(london, paris))).toBe('185.5 nm (343.5 km)');
  });

  it('gives the same area whichever way a ring is drawn, and across the antimeridian', () => {
    const square: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1]];
    const ccw = areaSquareMetres(square);
    expect(ccw / 1e6).toBeCloseTo(12_364, -1);
    expect(areaSquareMetres([...square].reverse())).toBeCloseTo(ccw, 0);
    expect(areaSquareMetres([[179.5, 0], [-179.5, 0], [-179.5, 1], [179.5, 1]])).toBeCloseTo(ccw, 0);
    expect(lengthMetres(square)).toBeCloseTo(rangeMetres([0, 0], [1, 0]) + rangeMetres([1, 0], [1, 1]) + rangeMetres([1, 1], [0, 1]), 6);
  });

  it('draws a range ring whose every point is at the range', () => {
    const centre: [number, number] = [125, 26];
    for (const point of rangeRing(centre, 50 * METRES_PER_NM)) {
      expect(rangeMetres(centre, point) / METRES_PER_NM).toBeCloseTo(50, 3);
    }
  });
});
