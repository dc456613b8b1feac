// Writes the basemap's generated assets from Natural Earth (world-atlas), so the page never cuts
// or simplifies land at start:
// - client/src/map/generated/basemap-world.json: 1:50m land and borders simplified to half a pixel
//   at the largest zoom they are drawn at (Douglas-Peucker, as OpenLayers simplifies lines), whole;
// - client/src/map/generated/basemap-region.json: 1:50m land cut into pieces (landPieces.ts),
//   coastline and border runs, on a 10 m grid.
// Run `npm run basemap` after changing world-atlas, landPieces.ts or basemapData.ts; a unit test
// (test/unit/map-basemap-assets.test.ts) fails while the committed assets differ from a fresh run.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FeatureCollection, MultiLineString } from 'geojson';
import { douglasPeucker } from 'ol/geom/flat/simplify.js';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries50m from 'world-atlas/countries-50m.json' with { type: 'json' };
import { landPolygons, packLine, projectedAreas, resolutionAt, toMercator, WORLD_MAX_ZOOM, type RegionAsset, type WorldAsset } from '../client/src/map/basemapData';
import { landPieces, PIECE_OVERLAP_M, PIECE_POINTS, runs } from '../client/src/map/landPieces';

/** The region asset's grid (m): a hundredth of a pixel at the largest zoom it is drawn at, far under the overlap. */
const REGION_UNIT_M = 10;
/** The world asset's grid (m): a hundredth of a pixel at the largest zoom it is drawn at. */
const WORLD_UNIT_M = 100;

const topology = countries50m as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

function sources() {
  const land = projectedAreas(landPolygons(feature(topology, topology.objects.land) as FeatureCollection));
  const borders = (mesh(topology, topology.objects.countries, (a, b) => a !== b) as MultiLineString).coordinates.map((line) => toMercator(line.flat()));
  return { land, borders };
}

/** A flat line or ring without the points that stray less than `tolerance` from it (OpenLayers' Douglas-Peucker). */
function simplified(flat: number[], tolerance: number): number[] {
  const out: number[] = [];
  out.length = douglasPeucker(flat, 0, flat.length, 2, tolerance * tolerance, out, 0);
  return out;
}

export function regionAsset(): RegionAsset {
  const { land, borders } = sources();
  const pieces = landPieces(land, PIECE_POINTS, PIECE_OVERLAP_M);
  return {
    unit: REGION_UNIT_M,
    areas: pieces.areas.map((area) => area.map((ring) => packLine(ring, REGION_UNIT_M))),
    coasts: pieces.coasts.map((run) => packLine(run, REGION_UNIT_M)),
    borders: borders.flatMap((line) => runs(line, PIECE_POINTS)).map((run) => packLine(run, REGION_UNIT_M)),
  };
}

export function worldAsset(): WorldAsset {
  const { land, borders } = sources();
  // Half a pixel at the largest zoom the asset is drawn at: OpenLayers' own tolerance when it draws.
  const tolerance = 0.5 * resolutionAt(WORLD_MAX_ZOOM);
  const polygons = land.flatMap((area) => {
    // A ring left with fewer than 4 points (3 and the closing one) is under a pixel across there.
    const [outer, ...holes] = area.map((ring) => simplified(ring, tolerance));
    return outer && outer.length >= 8 ? [[outer, ...holes.filter((hole) => hole.length >= 8)]] : [];
  });
  return {
    unit: WORLD_UNIT_M,
    land: polygons.map((rings) => rings.map((ring) => packLine(ring, WORLD_UNIT_M))),
    borders: borders.map((line) => packLine(simplified(line, tolerance), WORLD_UNIT_M)),
  };
}

export const ASSET_DIR = path.resolve(import.meta.dirname, '../client/src/map/generated');
export const WORLD_FILE = path.join(ASSET_DIR, 'basemap-world.json');
export const REGION_FILE = path.join(ASSET_DIR, 'basemap-region.json');

/** The file's text: compact JSON, one newline at the end. */
export function assetText(asset: WorldAsset | RegionAsset): string {
  return `${JSON.stringify(asset)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(WORLD_FILE, assetText(worldAsset()));
  writeFileSync(REGION_FILE, assetText(regionAsset()));
  console.log(`wrote ${WORLD_FILE} and ${REGION_FILE}`);
}
