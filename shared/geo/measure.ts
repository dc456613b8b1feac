// Range and bearing, length, area and range rings on the WGS84 mean sphere (R = 6371.0088 km):
// within 0.5 % of the ellipsoid, well inside what a staff officer reads off a plot. Bearings are
// true (from true north); magnetic ones come from magnetic.ts. Pure; the map's measure tool and the tests share it.
import { geoArea, geoCircle, geoDistance } from 'd3-geo';
import type { LonLat } from './coordinates';
import { normaliseForRead } from './geometry';

export const EARTH_RADIUS_M = 6_371_008.8;
export const METRES_PER_NM = 1852;

const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** Great-circle distance in metres. */
export function rangeMetres(from: LonLat, to: LonLat): number {
  return geoDistance(from, to) * EARTH_RADIUS_M;
}

/** Initial true bearing from `from` to `to`, 0 ≤ b < 360. */
export function bearingTrue(from: LonLat, to: LonLat): number {
  const [l1, p1] = [rad(from[0]), rad(from[1])];
  const [l2, p2] = [rad(to[0]), rad(to[1])];
  const y = Math.sin(l2 - l1) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(l2 - l1);
  return (deg(Math.atan2(y, x)) + 360) % 360;
}

export function lengthMetres(path: LonLat[]): number {
  let sum = 0;
  for (let i = 1; i < path.length; i++) sum += rangeMetres(path[i - 1]!, path[i]!);
  return sum;
}

/** The area enclosed by the ring, in square metres, whichever way it was drawn. */
export function areaSquareMetres(vertices: LonLat[]): number {
  if (vertices.length < 3) return 0;
  const polygon = normaliseForRead({ type: 'Polygon', coordinates: [[...vertices, vertices[0]!]] });
  if (polygon.type !== 'Polygon') return 0;
  // d3-geo encloses clockwise rings; the normalised ring is counter-clockwise (RFC 7946).
  return geoArea({ type: 'Polygon', coordinates: polygon.coordinates.map((ring) => [...ring].reverse()) }) * EARTH_RADIUS_M ** 2;
}

/** A range ring: the circle `radiusMetres` around `centre`, as a closed ring of positions. */
export function rangeRing(centre: LonLat, radiusMetres: number, steps = 96): LonLat[] {
  const circle = geoCircle().center(centre).radius(deg(radiusMetres / EARTH_RADIUS_M)).precision(360 / steps)();
  return circle.coordinates[0] as LonLat[];
}

export function formatDistance(metres: number): string {
  const nm = metres / METRES_PER_NM;
  const km = metres / 1000;
  return nm >= 10 ? `${nm.toFixed(1)} nm (${km.toFixed(1)} km)` : `${nm.toFixed(2)} nm (${km < 1 ? `${Math.round(metres)} m` : `${km.toFixed(2)} km`})`;
}

export function formatArea(squareMetres: number): string {
  const nm2 = squareMetres / METRES_PER_NM ** 2;
  return `${nm2 >= 100 ? Math.round(nm2).toLocaleString('en-GB') : nm2.toFixed(2)} nm² (${(squareMetres / 1e6).toFixed(squareMetres >= 1e8 ? 0 : 2)} km²)`;
}

/** A bearing from true (T) or magnetic (M) north, three whole digits: "005.0° T". */
export function formatBearing(degrees: number, north: 'T' | 'M' = 'T'): string {
  // 359.96 rounds to 360.0: a bearing reads 000.0 there.
  const shown = Number(degrees.toFixed(1)) % 360;
  return `${shown.toFixed(1).padStart(5, '0')}° ${north}`;
}
