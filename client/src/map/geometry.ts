// GeoJSON geometries of map features (fields.geometry) and the plain text form used to type or
// edit their coordinates from the keyboard: "lon lat; lon lat; …".

export type FeatureGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'LineString'; coordinates: [number, number][] }
  | { type: 'Polygon'; coordinates: [number, number][][] };

export type GeometryKind = FeatureGeometry['type'];

export const GEOMETRY_LABELS: Record<GeometryKind, string> = {
  Point: 'point',
  LineString: 'line',
  Polygon: 'area',
};

const isPosition = (value: unknown): value is [number, number] =>
  Array.isArray(value) && value.length >= 2 && value.slice(0, 2).every((n) => typeof n === 'number' && Number.isFinite(n));

export function isGeometry(value: unknown): value is FeatureGeometry {
  if (typeof value !== 'object' || value === null) return false;
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type === 'Point') return isPosition(coordinates);
  if (type === 'LineString') return Array.isArray(coordinates) && coordinates.length >= 2 && coordinates.every(isPosition);
  if (type === 'Polygon') {
    return (
      Array.isArray(coordinates) &&
      coordinates.length >= 1 &&
      coordinates.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition))
    );
  }
  return false;
}

/** The vertices a user placed (for a polygon: its outer ring without the closing repeat). */
export function verticesOf(geometry: FeatureGeometry): [number, number][] {
  if (geometry.type === 'Point') return [geometry.coordinates];
  if (geometry.type === 'LineString') return geometry.coordinates;
  return (geometry.coordinates[0] ?? []).slice(0, -1);
}

export const MIN_VERTICES: Record<GeometryKind, number> = { Point: 1, LineString: 2, Polygon: 3 };

export function geometryFrom(kind: GeometryKind, vertices: [number, number][]): FeatureGeometry {
  if (vertices.length < MIN_VERTICES[kind]) {
    throw new Error(`A ${GEOMETRY_LABELS[kind]} needs at least ${MIN_VERTICES[kind]} position${MIN_VERTICES[kind] > 1 ? 's' : ''}.`);
  }
  if (kind === 'Point') return { type: 'Point', coordinates: vertices[0]! };
  if (kind === 'LineString') return { type: 'LineString', coordinates: vertices };
  return { type: 'Polygon', coordinates: [[...vertices, vertices[0]!]] };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function normalizePosition([lon, lat]: [number, number]): [number, number] {
  const wrapped = ((((lon + 180) % 360) + 360) % 360) - 180;
  return [round(wrapped), round(Math.max(-85, Math.min(85, lat)))];
}

export function translateGeometry(geometry: FeatureGeometry, dLon: number, dLat: number): FeatureGeometry {
  const move = (vertices: [number, number][]) => vertices.map(([lon, lat]) => normalizePosition([lon + dLon, lat + dLat]));
  return geometryFrom(geometry.type, move(verticesOf(geometry)));
}

export function formatVertices(vertices: [number, number][]): string {
  return vertices.map(([lon, lat]) => `${round(lon)} ${round(lat)}`).join('; ');
}

/** Parses "lon lat; lon lat"; throws a sentence naming the bad part. */
export function parseVertices(text: string): [number, number][] {
  const parts = text.split(';').map((part) => part.trim()).filter(Boolean);
  return parts.map((part, index) => {
    const numbers = part.split(/[\s,]+/).map(Number);
    const [lon, lat] = numbers;
    if (numbers.length !== 2 || lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      throw new Error(`Position ${index + 1} ("${part}") is not "longitude latitude".`);
    }
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      throw new Error(`Position ${index + 1} ("${part}") is off the globe: longitude −180…180, latitude −90…90.`);
    }
    return [lon, lat];
  });
}
