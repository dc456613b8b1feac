// Coordinate parsing: every form staff type, both hemisphere orders, MGRS at zone and band edges,
// and the refusals (each with its reason) of what could be read two ways.
import { describe, expect, it } from 'vitest';
import { formatPosition, parsePosition, parsePositions, type DecimalOrder } from '../../shared/geo/coordinates';

type Row = [input: string, order: DecimalOrder, expected: [lon: number, lat: number] | RegExp];

// Within 0.0001° (about 11 m), finer than any position a staff officer types.
const TABLE: Row[] = [
  // Hemisphere letters, both orders, both placements.
  ['26N 125E', 'lon-lat', [125, 26]],
  ['125E 26N', 'lat-lon', [125, 26]],
  ['N26 E125', 'lat-lon', [125, 26]],
  ['E125 N26', 'lat-lon', [125, 26]],
  ['26S 125W', 'lat-lon', [-125, -26]],
  ['125W, 26S', 'lat-lon', [-125, -26]],
  ['26.5°N 125.25°E', 'lat-lon', [125.25, 26.5]],
  ['26.5n 125.25e', 'lat-lon', [125.25, 26.5]],
  ['0N 0E', 'lat-lon', [0, 0]],
  ['90N 180W', 'lat-lon', [-180, 90]],
  ['26N125E', 'lat-lon', [125, 26]],
  ['26n, 125e', 'lon-lat', [125, 26]],
  ['N 26 30 E 125 15', 'lat-lon', [125.25, 26.5]],
  // The 180° meridian, from either side.
  ['180E 0N', 'lat-lon', [180, 0]],
  ['0°00′00″N 180°00′00″W', 'lat-lon', [-180, 0]],
  ['179°59′59.9″E 0°N', 'lat-lon', [179.99997, 0]],
  // Degrees, minutes, seconds.
  ['26°30\'N 125°15\'E', 'lat-lon', [125.25, 26.5]],
  ['26°30\'15"N 125°15\'30"E', 'lat-lon', [125 + 15 / 60 + 30 / 3600, 26 + 30 / 60 + 15 / 3600]],
  ['26°30′15″N, 125°15′30″E', 'lat-lon', [125 + 15 / 60 + 30 / 3600, 26 + 30 / 60 + 15 / 3600]],
  ['26 30 15 N, 125 15 30 E', 'lat-lon', [125 + 15 / 60 + 30 / 3600, 26 + 30 / 60 + 15 / 3600]],
  ['263015N 1251530E', 'lat-lon', [125 + 15 / 60 + 30 / 3600, 26 + 30 / 60 + 15 / 3600]],
  ['1251530E 263015N', 'lat-lon', [125 + 15 / 60 + 30 / 3600, 26 + 30 / 60 + 15 / 3600]],
  ['12 47.5 S, 045 10 W', 'lat-lon', [-(45 + 10 / 60), -(12 + 47.5 / 60)]],
  ['26:30:15N 125:15:30E', 'lat-lon', [125 + 15 / 60 + 30 / 3600, 26 + 30 / 60 + 15 / 3600]],
  ['26d30m N 125d15m E', 'lat-lon', [125.25, 26.5]],
  ['26D N 125D E', 'lat-lon', [125, 26]],
  // Signed decimal: the order is the user's visible choice.
  ['30 40', 'lat-lon', [40, 30]],
  ['30 40', 'lon-lat', [30, 40]],
  ['-33.86, 151.21', 'lat-lon', [151.21, -33.86]],
  ['151.21, -33.86', 'lon-lat', [151.21, -33.86]],
  ['+12.5 -45', 'lat-lon', [-45, 12.5]],
  ['0 0', 'lat-lon', [0, 0]],
  ['-26.5 -125.5', 'lat-lon', [-125.5, -26.5]],
  ['125 26', 'lon-lat', [125, 26]],
  ['0, 180', 'lat-lon', [180, 0]],
  ['-180, 10', 'lon-lat', [-180, 10]],
  // MGRS, with and without spaces, at zone and band edges and the Norway/Svalbard exceptions.
  ['31U DQ 48251 11932', 'lat-lon', [2.2945, 48.8582]],
  ['31UDQ4825111932', 'lon-lat', [2.2945, 48.8582]],
  ['51R YJ 00180 77215', 'lat-lon', [125, 26]],
  ['31UGR1497742943', 'lat-lon', [5.9999, 50]],
  ['32UKA8502242943', 'lat-lon', [6.0001, 50]],
  ['1PAM7108206908', 'lat-lon', [-179.9999, 10]],
  ['60LZP2891793091', 'lat-lon', [179.9999, -10]],
  ['32VJM6564066593', 'lat-lon', [3, 60]],
  ['31XFH2547076321', 'lat-lon', [8.9, 79]],
  ['33XUH7452976321', 'lat-lon', [9.1, 79]],
  ['33XWP5924519502', 'lat-lon', [20, 83.9]],
  ['19CDM8042329407', 'lat-lon', [-70, -79.9]],
  ['31NAA6602100011', 'lat-lon', [0, 0.0001]],
  ['31MAV6602199988', 'lat-lon', [0, -0.0001]],
  ['30UYC0831007239', 'lat-lon', [-0.0001, 51.4779]],
  // Norway: 31V stops at 3°E, 32V starts there (its usual 6°E edge moved west).
  ['31VDC9377917213', 'lat-lon', [2.9, 56.1]],
  ['31UEB0000094949', 'lat-lon', [3, 55.9]],
  ['32VLM3270555205', 'lat-lon', [6, 60]],
  // Svalbard: 37X runs to 42°E, 38X from there; band W ends and X begins at 72°N.
  ['37XEH6174871508', 'lat-lon', [41.9, 79]],
  ['38XMN3825171508', 'lat-lon', [42.1, 79]],
  ['32WNE3450788103', 'lat-lon', [10, 71.99]],
  ['33XUV2781797198', 'lat-lon', [10, 72.01]],
  // Band C's southern edge (80°S) and band X's northern one (84°N).
  ['31CDM4181018029', 'lat-lon', [0, -79.99]],
  ['31XDP6500529005', 'lat-lon', [0, 84]],
  // Zones 60 and 1 meet at the 180° meridian.
  ['60NZF3286400000', 'lat-lon', [179.99, 0]],
  ['1NAA6713500000', 'lat-lon', [-179.99, 0]],
  // Refusals, each with its reason.
  ['', 'lat-lon', /No position given/],
  ['26 125E', 'lat-lon', /Only one value has a hemisphere letter/],
  ['26N 125N', 'lat-lon', /Both values are latitudes/],
  ['125E 26W', 'lat-lon', /Both values are longitudes/],
  ['-26S 125E', 'lat-lon', /both a sign and a hemisphere letter/],
  ['125 26', 'lat-lon', /125 is not a latitude .* read as latitude, longitude/],
  ['26 30 15 125', 'lat-lon', /is not two values/],
  ['26°75\'N 125E', 'lat-lon', /75 minutes/],
  ['91N 10E', 'lat-lon', /Latitude 91 is off the globe/],
  ['10N 181E', 'lat-lon', /Longitude 181 is off the globe/],
  ['95 200', 'lat-lon', /Latitude 95 is off the globe/],
  ['north east', 'lat-lon', /not a number of degrees/],
  ['1, 2, 3', 'lat-lon', /has 3 parts/],
  ['61R YJ 00180 77215', 'lat-lon', /zone 61 does not exist/],
  ['51I YJ 00180 77215', 'lat-lon', /band I does not exist/],
  ['31U DQ 4825 111932', 'lat-lon', /differ in length/],
  ['31UDQ482511193', 'lat-lon', /even number of digits/],
  ['31Z AB 12345 12345', 'lat-lon', /polar \(UPS\)/],
  ['26.5 30\' N, 125E', 'lat-lon', /decimal degrees and minutes together/],
  ['26 125', 'lon-lat', /125 is not a latitude .* read as longitude, latitude/],
  ['-180, 10', 'lat-lon', /-180 is not a latitude/],
  ['60N 200E', 'lat-lon', /Longitude 200 is off the globe/],
  ['12.5N 12.5S', 'lat-lon', /Both values are latitudes/],
  ['26N 125E 30', 'lat-lon', /more than one hemisphere letter/],
  // Zones that do not exist, or a reference that lands outside its own zone.
  ['32XNH0000000000', 'lat-lon', /zone 32X does not exist: over Svalbard/],
  ['34XDH0000000000', 'lat-lon', /zone 34X does not exist/],
  ['36XWH0000000000', 'lat-lon', /zone 36X does not exist/],
  ['31VFH0000000000', 'lat-lon', /lands at 4\.82°E, outside zone 31V \(0° to 3°E, cut for the Norway exception\)/],
  ['32VJM0000000000', 'lat-lon', /lands at 1\.96°E, outside zone 32V \(3°E to 12°E, widened for the Norway exception\)/],
  ['38XMD0000000000', 'lat-lon', /outside latitude band X/],
];

describe('coordinate parsing', () => {
  it('has a table of at least 40 inputs', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(TABLE)('%s (decimals read as %s)', (input, order, expected) => {
    const parsed = parsePosition(input, order);
    if (expected instanceof RegExp) {
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(expected);
      return;
    }
    expect(parsed).toMatchObject({ ok: true });
    if (!parsed.ok) return;
    expect(Math.abs(parsed.position[0] - expected[0])).toBeLessThan(1e-4);
    expect(Math.abs(parsed.position[1] - expected[1])).toBeLessThan(1e-4);
  });

  it('reads a list and names the position it cannot read', () => {
    expect(parsePositions('26N 125E; 27N 126E', 'lat-lon')).toEqual([
      [125, 26],
      [126, 27],
    ]);
    expect(() => parsePositions('26N 125E; 27N', 'lat-lon')).toThrow(/^Position 2: /);
  });

  it('echoes a position in each format, and reads back what it writes', () => {
    const position: [number, number] = [125.2586, 26.5042];
    expect(formatPosition(position, 'dd')).toBe('26.5042°N 125.2586°E');
    expect(formatPosition(position, 'dms')).toBe('26°30′15.1″N 125°15′31.0″E');
    expect(formatPosition(position, 'mgrs')).toMatch(/^51R \w{2} \d{5} \d{5}$/);
    expect(formatPosition([-3.5, -80.5], 'mgrs')).toBe('80.5000°S 3.5000°W');
    for (const format of ['dd', 'dms', 'mgrs'] as const) {
      const parsed = parsePosition(formatPosition(position, format), 'lon-lat');
      expect(parsed.ok && Math.abs(parsed.position[0] - position[0]) < 1e-4 && Math.abs(parsed.position[1] - position[1]) < 1e-4).toBe(true);
    }
  });
});
