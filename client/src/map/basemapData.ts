// The basemap's data as the build ships it (scripts/basemap-assets.ts writes the assets; no
// OpenLayers here, so the script runs under plain Node): Natural Earth's land in the map's
// projection (Web Mercator, metres), and a compact form for the generated assets: every line a
// list of integers, the first point in grid steps, then each point's step from the one before.
// Parsing that is a sum per coordinate, where cutting the land took the page most of a second.
import type { FeatureCollection, Position } from 'geojson';
import type { Area } from './landPieces';

const RADIUS = 6378137;
const HALF_SIZE = Math.PI * RADIUS;
/** Where OpenLayers clamps the poles (Natural Earth's Antarctica reaches them). */
const MAX_SAFE_Y = RADIUS * Math.log(Math.tan(Math.PI / 2));

/** Longitude and latitude (flat pairs) to Web Mercator metres, as OpenLayers' EPSG:3857 does it, poles clamped the same way. */
export function toMercator(lonLat: readonly number[]): number[] {
  const out = new Array<number>(lonLat.length);
  for (let i = 0; i < lonLat.length; i += 2) {
    out[i] = (HALF_SIZE * lonLat[i]!) / 180;
    const y = RADIUS * Math.log(Math.tan((Math.PI * (lonLat[i + 1]! + 90)) / 360));
    out[i + 1] = Math.max(-MAX_SAFE_Y, Math.min(MAX_SAFE_Y, y));
  }
  return out;
}

/** Natural Earth's land (one MultiPolygon, longitude and latitude) as polygons' rings. */
export function landPolygons(data: FeatureCollection): Position[][][] {
  return data.features.flatMap(({ geometry }) => (geometry.type === 'MultiPolygon' ? geometry.coordinates : geometry.type === 'Polygon' ? [geometry.coordinates] : []));
}

/** Polygons in longitude and latitude as areas of flat rings in the map's projection. */
export function projectedAreas(polygons: Position[][][]): Area[] {
  return polygons.map((rings) => rings.map((ring) => toMercator(ring.flat())));
}

/** A flat line or ring on a grid of `unit` metres: the first point in grid steps, then steps from each point to the next. */
export function packLine(flat: readonly number[], unit: number): number[] {
  const out = new Array<number>(flat.length);
  let [px, py] = [0, 0];
  for (let i = 0; i < flat.length; i += 2) {
    const x = Math.round(flat[i]! / unit);
    const y = Math.round(flat[i + 1]! / unit);
    out[i] = x - px;
    out[i + 1] = y - py;
    [px, py] = [x, y];
  }
  return out;
}

/** The flat coordinates (metres) of a packed line. */
export function unpackLine(packed: readonly number[], unit: number): number[] {
  const out = new Array<number>(packed.length);
  let [x, y] = [0, 0];
  for (let i = 0; i < packed.length; i += 2) {
    x += packed[i]!;
    y += packed[i + 1]!;
    out[i] = x * unit;
    out[i + 1] = y * unit;
  }
  return out;
}

/** The 1:50m land and borders, cut for region zoom (landPieces.ts), packed. */
export interface RegionAsset {
  /** Metres per grid step. */
  unit: number;
  /** Filled pieces of land: each an outer ring then its holes. */
  areas: number[][][];
  /** Coast and lake shore runs, stroked. */
  coasts: number[][];
  /** Border runs, stroked. */
  borders: number[][];
}

/** The 1:50m land and borders simplified once for world zoom, packed: whole polygons, outlines drawn as coasts. */
export interface WorldAsset {
  /** Metres per grid step: the simplification's grid, so every coordinate is a whole number of steps. */
  unit: number;
  /** Polygons: each an outer ring then its holes. */
  land: number[][][];
  borders: number[][];
}

/** Metres per pixel at a zoom level of the map's (Web Mercator, 256-pixel tiles) view. */
export function resolutionAt(zoom: number): number {
  return (2 * HALF_SIZE) / 256 / 2 ** zoom;
}

/** Up to this zoom (world and ocean views) the map draws the world asset; the 1:50m pieces beyond it. */
export const WORLD_MAX_ZOOM = 3.5;
