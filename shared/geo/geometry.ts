// Map features' GeoJSON geometry (fields.geometry), made right on the way in and on the way out:
// - rings are wound the RFC 7946 way (outer counter-clockwise, holes clockwise, @turf/rewind), so
//   no renderer that reads winding (d3-geo, many GIS tools) paints the world instead of the area;
// - a shape crossing the antimeridian keeps continuous longitudes (179 → 181 rather than
//   179 → −179), so it stays the small shape it was drawn as rather than one wrapping the globe;
// - an area whose edges cross itself is refused on input, naming where, since any fill of it
//   would be a guess.
import kinks from '@turf/kinks';
import rewind from '@turf/rewind';
import type { LonLat } from './coordinates';
import { formatPosition, wrapLongitude } from './coordinates';

export type FeatureGeometry =
  | { type: 'Point'; coordinates: LonLat }
  | { type: 'LineString'; coordinates: LonLat[] }
  | { type: 'Polygon'; coordinates: LonLat[][] };

export type GeometryKind = FeatureGeometry['type'];

export const GEOMETRY_LABELS: Record<GeometryKind, string> = { Point: 'point', LineString: 'line', Polygon: 'area' };

export const MIN_VERTICES: Record<GeometryKind, number> = { Point: 1, LineString: 2, Polygon: 3 };

const isPosition = (value: unknown): value is LonLat =>
  Array.isArray(value) && value.length >= 2 && value.slice(0, 2).every((n) => typeof n === 'number' && Number.isFinite(n)) && Math.abs(value[1] as number) <= 90;

/** Whether a stored value is a geometry this map can draw (it may still need normalising). */
export function isGeometry(value: unknown): value is FeatureGeometry {
  if (typeof value !== 'object' || value === null) return false;
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type === 'Point') return isPosition(coordinates);
  if (type === 'LineString') return Array.isArray(coordinates) && coordinates.length >= 2 && coordinates.every(isPosition);
  if (type === 'Polygon') {
    return Array.isArray(coordinates) && coordinates.length >= 1 && coordinates.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition));
  }
  return false;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/** Longitudes made continuous from the first vertex: no step between neighbours exceeds 180°. */
export function unwrap(vertices: LonLat[]): LonLat[] {
  const out: LonLat[] = [];
  for (const [lon, lat] of vertices) {
    const previous = out.at(-1);
    let next = previous ? lon : wrapLongitude(lon);
    if (previous) {
      while (next - previous[0] > 180) next -= 360;
      while (next - previous[0] < -180) next += 360;
    }
    out.push([round(next), round(lat)]);
  }
  // Keep the shape's middle within −180…180 so it draws where the user put it.
  const mid = (Math.min(...out.map((p) => p[0])) + Math.max(...out.map((p) => p[0]))) / 2;
  const shift = mid > 180 ? -360 : mid < -180 ? 360 : 0;
  return shift ? out.map(([lon, lat]) => [lon + shift, lat]) : out;
}

/** A ring closed, without repeated neighbours, with continuous longitudes. */
function cleanRing(ring: LonLat[]): LonLat[] {
  const open = unwrap(ring).filter((p, i, all) => i === 0 || p[0] !== all[i - 1]![0] || p[1] !== all[i - 1]![1]);
  const first = open[0];
  const last = open.at(-1);
  if (first && last && first[0] === last[0] && first[1] === last[1]) open.pop();
  return open.length ? [...open, open[0]!] : open;
}

/** Shoelace area in square degrees: positive when counter-clockwise. */
export function planarArea(ring: LonLat[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return sum / 2;
}

function wound(geometry: FeatureGeometry): FeatureGeometry {
  return rewind(geometry as Parameters<typeof rewind>[0]) as unknown as FeatureGeometry;
}

/** Normalised for drawing: never refuses, so stored content always shows, the right way out. */
export function normaliseForRead(geometry: FeatureGeometry): FeatureGeometry {
  if (geometry.type === 'Point') return { type: 'Point', coordinates: [round(wrapLongitude(geometry.coordinates[0])), round(geometry.coordinates[1])] };
  if (geometry.type === 'LineString') return { type: 'LineString', coordinates: unwrap(geometry.coordinates) };
  const rings = geometry.coordinates.map(cleanRing).filter((ring) => ring.length >= 4);
  if (rings.length === 0) return { type: 'LineString', coordinates: unwrap(geometry.coordinates[0] ?? []) };
  return wound({ type: 'Polygon', coordinates: rings });
}

export type Checked = { ok: true; geometry: FeatureGeometry } | { ok: false; reason: string };

/** Normalised for saving; refuses what has no one right reading, with the reason. */
export function normaliseForWrite(geometry: FeatureGeometry): Checked {
  if (geometry.type === 'Polygon') {
    const rings = geometry.coordinates.map(cleanRing);
    if (rings.some((ring) => ring.length < 4)) return { ok: false, reason: 'An area needs at least 3 different positions.' };
    const polygon: FeatureGeometry = { type: 'Polygon', coordinates: rings };
    const crossings = kinks(polygon as Parameters<typeof kinks>[0]).features;
    if (crossings.length > 0) {
      const at = crossings[0]!.geometry.coordinates as LonLat;
      return { ok: false, reason: `The area's edges cross each other near ${formatPosition(at, 'dd')}; reorder or move a position so they do not.` };
    }
    if (rings.some((ring) => Math.abs(planarArea(ring)) < 1e-9)) return { ok: false, reason: 'The area has no surface: its positions lie on one line.' };
    return { ok: true, geometry: wound(polygon) };
  }
  if (geometry.type === 'LineString' && unwrap(geometry.coordinates).length < 2) return { ok: false, reason: 'A line needs at least 2 positions.' };
  return { ok: true, geometry: normaliseForRead(geometry) };
}

/**
 * Why a value written to a feature's `fields.geometry` is refused, or null when it is a geometry
 * with one right reading. The server asks this of every written geometry, so no client, hostile or
 * not, can store a shape without one (winding is made right on every read, `normaliseForRead`).
 */
export function geometryRefusal(value: unknown): string | null {
  if (!isGeometry(value)) return 'A position or shape must be a GeoJSON Point, LineString or Polygon with longitude, latitude pairs (latitude within ±90°).';
  const checked = normaliseForWrite(value);
  return checked.ok ? null : checked.reason;
}

/** The vertices a user placed (for an area: its outer ring without the closing repeat). */
export function verticesOf(geometry: FeatureGeometry): LonLat[] {
  if (geometry.type === 'Point') return [geometry.coordinates];
  if (geometry.type === 'LineString') return geometry.coordinates;
  return (geometry.coordinates[0] ?? []).slice(0, -1);
}

/** A geometry from placed vertices, normalised; throws a sentence when it cannot be saved. */
export function geometryFrom(kind: GeometryKind, vertices: LonLat[]): FeatureGeometry {
  const needed = MIN_VERTICES[kind];
  if (vertices.length < needed) throw new Error(`A ${GEOMETRY_LABELS[kind]} needs at least ${needed} position${needed > 1 ? 's' : ''}.`);
  const raw: FeatureGeometry =
    kind === 'Point'
      ? { type: 'Point', coordinates: vertices[0]! }
      : kind === 'LineString'
        ? { type: 'LineString', coordinates: vertices }
        : { type: 'Polygon', coordinates: [[...vertices, vertices[0]!]] };
  const checked = normaliseForWrite(raw);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.geometry;
}

/** Moves every vertex by the same offset (a typed or keyboard move), keeping the shape. */
export function translateGeometry(geometry: FeatureGeometry, dLon: number, dLat: number): FeatureGeometry {
  const moved = verticesOf(geometry).map(([lon, lat]): LonLat => [lon + dLon, Math.max(-90, Math.min(90, lat + dLat))]);
  return geometryFrom(geometry.type, moved);
}

/** Where a feature is anchored: a point itself, or the first vertex of a line or area. */
export function anchorOf(geometry: FeatureGeometry): LonLat {
  return verticesOf(geometry)[0]!;
}
