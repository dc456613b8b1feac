// Cuts the basemap's land into pieces the map can skip. Natural Earth's land is one MultiPolygon
// (409,000 points at 1:10m): drawn as one feature, every zoom step re-simplifies all of it,
// Eurasia included, for a view of one harbour. Split into pieces of a few hundred points, the
// map's spatial index hands the renderer only the pieces in view. Areas are cut along straight
// lines (one half-plane at a time, which is exact for any simple ring) with a small overlap, so
// neighbouring fills leave no seam; the coastline is kept apart as runs of consecutive points,
// so no cut ever draws as a coast. The 1:50m land is cut at build time (scripts/basemap-assets.ts),
// the 1:10m in the page when it is first needed.
/** Points per piece of land or border: small enough to skip what is out of view, large enough to stay few. */
export const PIECE_POINTS = 512;
/** How far (m) neighbouring pieces of an area overlap, so their fills leave no hairline between them. */
export const PIECE_OVERLAP_M = 200;

/** A closed ring as flat coordinates (x0, y0, x1, y1, …, x0, y0), as OpenLayers stores geometry. */
export type Ring = number[];
/** An area: its outer ring, then its holes. */
export type Area = Ring[];

export interface LandPieces {
  /** Filled, never stroked: their edges include the cuts. */
  areas: Area[];
  /** The rings' outlines (coasts and lake shores), each run sharing its end point with the next. */
  coasts: Ring[];
}

/** The part of `ring` on one side of `axis = at` (below or above), closed, or null when nothing is left. */
export function clipRing(ring: Ring, axis: 0 | 1, at: number, keepBelow: boolean): Ring | null {
  const out: number[] = [];
  // The ring is closed: its last point repeats the first, so every edge is (i, i + 1).
  let inA = keepBelow ? ring[axis]! <= at : ring[axis]! >= at;
  for (let i = 0; i < ring.length - 2; i += 2) {
    const inB = keepBelow ? ring[i + 2 + axis]! <= at : ring[i + 2 + axis]! >= at;
    if (inA) out.push(ring[i]!, ring[i + 1]!);
    if (inA !== inB) {
      const t = (at - ring[i + axis]!) / (ring[i + 2 + axis]! - ring[i + axis]!);
      const x = ring[i]! + t * (ring[i + 2]! - ring[i]!);
      const y = ring[i + 1]! + t * (ring[i + 3]! - ring[i + 1]!);
      out.push(axis === 0 ? at : x, axis === 1 ? at : y);
    }
    inA = inB;
  }
  if (out.length < 6) return null;
  out.push(out[0]!, out[1]!);
  return out;
}

function pointCount(area: Area): number {
  return area.reduce((sum, ring) => sum + ring.length / 2, 0);
}

function bounds(ring: Ring): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < ring.length; i += 2) {
    const x = ring[i]!;
    const y = ring[i + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

function clipArea(area: Area, axis: 0 | 1, at: number, keepBelow: boolean): Area | null {
  const outer = clipRing(area[0]!, axis, at, keepBelow);
  if (!outer) return null;
  const holes = area.slice(1).map((hole) => clipRing(hole, axis, at, keepBelow)).filter((hole) => hole !== null);
  return [outer, ...holes];
}

/** Halves `area` along the longer side of its box until each piece has at most `maxPoints` points. */
function cut(area: Area, maxPoints: number, overlap: number, out: Area[]): void {
  const [minX, minY, maxX, maxY] = bounds(area[0]!);
  const axis = maxX - minX >= maxY - minY ? 0 : 1;
  const size = axis === 0 ? maxX - minX : maxY - minY;
  if (pointCount(area) <= maxPoints || size <= overlap * 4) {
    out.push(area);
    return;
  }
  const middle = axis === 0 ? (minX + maxX) / 2 : (minY + maxY) / 2;
  const below = clipArea(area, axis, middle + overlap, true);
  const above = clipArea(area, axis, middle - overlap, false);
  if (below) cut(below, maxPoints, overlap, out);
  if (above) cut(above, maxPoints, overlap, out);
}

/** Runs of at most `maxPoints` consecutive points along a flat line or ring. */
export function runs(line: number[], maxPoints: number): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < line.length - 2; start += (maxPoints - 1) * 2) out.push(line.slice(start, start + maxPoints * 2));
  return out;
}

/** The pieces of `areas` (flat rings, outer ring first); `overlap` in the coordinates' unit. */
export function landPieces(areas: Area[], maxPoints: number, overlap: number): LandPieces {
  const pieces: Area[] = [];
  for (const area of areas) cut(area, maxPoints, overlap, pieces);
  return { areas: pieces, coasts: areas.flatMap((area) => area.flatMap((ring) => runs(ring, maxPoints))) };
}
