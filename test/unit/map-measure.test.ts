// The measure panel's range and bearing: true and magnetic bearings side by side, each end's
// magnetic bearing from the declination where it starts on the chosen date, and the declinations
// named; a date no bundled model covers leaves the true bearing alone, saying why.
import { describe, expect, it } from 'vitest';
import type { LonLat } from '../../shared/geo/coordinates';
import { declinationAt, formatDeclination } from '../../shared/geo/magnetic';
import { bearingTrue } from '../../shared/geo/measure';
import { magneticText, measureText, type MeasureState } from '../../client/src/map/MeasurePanel';

const london: LonLat = [-0.1276, 51.5072];
const halifax: LonLat = [-63.5752, 44.6488];
const range = (date: string, points: LonLat[] = [london, halifax]): MeasureState => ({ tool: 'range', points, radiusNm: 25, date });

const bearings = (text: string) => [...text.matchAll(/(\d{3}\.\d)° ([TM])/g)].map(([, value, north]) => [Number(value), north]);
const declination = (at: LonLat, day: string) => {
  const found = declinationAt(at, new Date(`${day}T12:00:00Z`));
  if (!found.ok) throw new Error(found.reason);
  return found.degrees;
};
const near = (value: number, expected: number) => Math.abs((((value - expected) % 360) + 540) % 360 - 180) <= 0.051;

describe('range and bearing, true and magnetic', () => {
  it('gives each bearing from true and from magnetic north, with the declination where it starts', () => {
    const text = measureText(range('2026-11-30'));
    const [outTrue, outMagnetic, backTrue, backMagnetic] = bearings(text) as [number, string][];
    expect([outTrue![1], outMagnetic![1], backTrue![1], backMagnetic![1]]).toEqual(['T', 'M', 'T', 'M']);
    expect(near(outTrue![0], bearingTrue(london, halifax))).toBe(true);
    // Halifax's declination is some 16° W and London's about 1° E: the two ends differ.
    expect(near(outMagnetic![0], bearingTrue(london, halifax) - declination(london, '2026-11-30'))).toBe(true);
    expect(near(backMagnetic![0], bearingTrue(halifax, london) - declination(halifax, '2026-11-30'))).toBe(true);
    expect(declination(halifax, '2026-11-30')).toBeLessThan(-10);
    expect(magneticText(range('2026-11-30'))).toBe(
      `Declination ${formatDeclination(declination(london, '2026-11-30'))} at the first point, ${formatDeclination(declination(halifax, '2026-11-30'))} at the second, on 2026-11-30 (WMM-2025)`,
    );
  });

  it('follows the chosen date (the field drifts: an older date gives another magnetic bearing)', () => {
    const now = bearings(measureText(range('2026-11-30')))[1]![0] as number;
    const then = bearings(measureText(range('2016-06-01')))[1]![0] as number;
    expect(magneticText(range('2016-06-01'))).toMatch(/on 2016-06-01 \(WMM-2015/);
    expect(Math.abs(now - then)).toBeGreaterThan(0.5);
  });

  it('keeps the true bearing and says why when no magnetic bearing can be given', () => {
    const text = measureText(range('2031-01-01'));
    expect(bearings(text).map(([, north]) => north)).toEqual(['T', 'T']);
    expect(magneticText(range('2031-01-01'))).toMatch(/^No magnetic bearing for 2031-01-01/);
    expect(magneticText(range('2026-11-30', [london]))).toBe('');
  });
});
