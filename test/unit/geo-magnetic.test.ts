// Magnetic declination and bearings against NOAA's published World Magnetic Model test values
// (WMM2025 and WMM2020 test value tables: decimal year, height above the ellipsoid in km,
// geodetic latitude and longitude, declination in degrees to 0.01), and the refusals.
import { describe, expect, it } from 'vitest';
import { declinationAt, formatDeclination, magneticBearing } from '../../shared/geo/magnetic';

/** A WMM decimal year as the instant it names (the WMM counts 365-day years from 1 January UTC). */
const dateOf = (decimalYear: number) => {
  const year = Math.floor(decimalYear);
  return new Date(Date.UTC(year, 0, 1) + (decimalYear - year) * 365 * 86_400_000);
};

// [decimal year, height km, latitude, longitude, declination °, model]
const PUBLISHED: [number, number, number, number, number, string][] = [
  [2025.0, 48, 80, -96, -29.91, 'WMM-2025'],
  [2025.0, 65, 43, 93, 0.5, 'WMM-2025'],
  [2025.0, 51, -33, 109, -5.49, 'WMM-2025'],
  [2025.0, 18, 0, 21, 1.29, 'WMM-2025'],
  [2025.5, 44, 33, -118, 11.1, 'WMM-2025'],
  [2026.0, 82, -64, 87, -81.74, 'WMM-2025'],
  [2026.5, 12, -79, 115, -137.58, 'WMM-2025'],
  [2027.0, 54, 54, 178, 0.63, 'WMM-2025'],
  [2027.5, 16, 66, -178, 0.37, 'WMM-2025'],
  [2028.0, 21, 6, -32, -14.34, 'WMM-2025'],
  [2028.5, 11, 34, 0, 1.57, 'WMM-2025'],
  [2029.0, 19, 46, -22, -5.65, 'WMM-2025'],
  [2029.5, 77, -18, 138, 4.45, 'WMM-2025'],
  [2020.0, 54, 82, 87, 51.3, 'WMM-2020'],
  [2020.0, 65, 43, 93, 0.71, 'WMM-2020'],
  [2020.5, 69, 38, -144, 13.39, 'WMM-2020'],
];

describe('magnetic declination (World Magnetic Model, bundled)', () => {
  it.each(PUBLISHED)('%d, %d km, %d° %d°: %d° (%s)', (year, heightKm, lat, lon, declination, model) => {
    const found = declinationAt([lon, lat], dateOf(year), heightKm);
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(found.model).toBe(model);
    expect(Math.abs(found.degrees - declination)).toBeLessThanOrEqual(0.011);
  });

  it('turns true bearings into magnetic ones, east declination subtracted, west added', () => {
    expect(magneticBearing(90, 10)).toBeCloseTo(80, 9);
    expect(magneticBearing(5, 10)).toBeCloseTo(355, 9);
    expect(magneticBearing(355, -10)).toBeCloseTo(5, 9);
    expect(formatDeclination(-4.26)).toBe('4.3° W');
    expect(formatDeclination(0.04)).toBe('0.0° E');
    expect(formatDeclination(11.1)).toBe('11.1° E');
  });

  it('refuses a date no bundled model covers, and a position where a compass is unreliable, saying why', () => {
    expect(declinationAt([125, 26], new Date(Date.UTC(2031, 0, 1)))).toEqual({ ok: false, reason: expect.stringMatching(/^No magnetic bearing for 2031-01-01: the World Magnetic Model held here covers 2015 to November 2029\.$/) });
    expect(declinationAt([125, 26], new Date(Number.NaN))).toEqual({ ok: false, reason: 'No magnetic bearing: the date cannot be read.' });
    // The north magnetic pole in 2026 lies near 85.6°N 139°E (WMM2025): horizontal field under 2,000 nT.
    expect(declinationAt([139, 85.6], new Date(Date.UTC(2026, 0, 1)))).toMatchObject({ ok: false, reason: expect.stringMatching(/compass is unreliable/) });
    // 89°N 121°W has a horizontal field of about 1,500 nT (first published value): refused too.
    expect(declinationAt([-121, 89], dateOf(2025), 28)).toMatchObject({ ok: false });
    // 80°N 96°W: about 2,160 nT (published), inside the caution zone.
    expect(declinationAt([-96, 80], dateOf(2025), 48)).toMatchObject({ ok: true, caution: expect.stringMatching(/with caution/) });
    expect(declinationAt([93, 43], dateOf(2025), 65)).not.toHaveProperty('caution');
  });
});
