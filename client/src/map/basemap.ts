// The offline basemap, all in the bundle (no tile server is reachable from a cell): land,
// coastlines and borders from Natural Earth 1:50m (world-atlas), land at 1:10m from region zoom
// in, a graticule, and a curated list of major places and ports (places.json, Natural Earth,
// public domain). Place names appear by rank as one zooms in, decluttered so they never overlap.
// Three sets of land, by zoom:
// - world (up to WORLD_MAX_ZOOM): 1:50m simplified at build time, whole (generated/basemap-world.json);
// - region (to DETAIL_ZOOM): 1:50m cut at build time into pieces (landPieces.ts) so a zoom step
//   only redraws what is in view (generated/basemap-region.json, a chunk of its own);
// - harbour: 1:10m, a chunk loaded the first time it is needed, cut in the page as it loads.
// scripts/basemap-assets.ts writes the generated assets (`npm run basemap`).
import type { FeatureCollection } from 'geojson';
import Feature, { type FeatureLike } from 'ol/Feature';
import type { Geometry } from 'ol/geom';
import LineString from 'ol/geom/LineString';
import MultiLineString from 'ol/geom/MultiLineString';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Point from 'ol/geom/Point';
import Polygon from 'ol/geom/Polygon';
import Graticule from 'ol/layer/Graticule';
import VectorLayer from 'ol/layer/Vector';
import { fromLonLat } from 'ol/proj';
import VectorSource from 'ol/source/Vector';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { landPolygons, projectedAreas, unpackLine, WORLD_MAX_ZOOM, type RegionAsset, type WorldAsset } from './basemapData';
import worldAsset from './generated/basemap-world.json';
import { landPieces, PIECE_OVERLAP_M, PIECE_POINTS, type Area } from './landPieces';
import places from './places.json';

const LAND_FILL = new Style({ fill: new Fill({ color: '#f4f1e8' }) });
const COAST = new Style({ stroke: new Stroke({ color: '#8d9aa5', width: 0.8 }) });
const BORDER = new Style({ stroke: new Stroke({ color: '#b1a9b8', width: 0.6, lineDash: [4, 2] }) });
/** Whole polygons (the world asset): their outlines are the coasts. */
const LAND_AND_COAST = [LAND_FILL, COAST];
const landStyle = (f: FeatureLike) => (f.getGeometry()?.getType() === 'Polygon' ? LAND_FILL : COAST);

/** A polygon of flat rings (outer first) as an OpenLayers polygon. */
function polygonOf(area: Area): Polygon {
  const ends: number[] = [];
  for (const ring of area) ends.push((ends.at(-1) ?? 0) + ring.length);
  return new Polygon(area.flat(), 'XY', ends);
}

/** Land as filled pieces and coastline runs (a cut must never draw as a coast). */
function landFeatures(pieces: { areas: Area[]; coasts: number[][] }): Feature[] {
  const features: Feature<Geometry>[] = pieces.areas.map((area) => new Feature(polygonOf(area)));
  for (const coast of pieces.coasts) features.push(new Feature(new LineString(coast, 'XY')));
  return features;
}

/**
 * World zoom: 1:50m land and borders simplified at build time to half a pixel at WORLD_MAX_ZOOM,
 * as two features. At these zooms every piece is in view, so cutting would only multiply the
 * features to draw; and simplified once, no zoom step re-simplifies the world's coasts.
 */
function worldLayer(): VectorLayer {
  const asset = worldAsset as WorldAsset;
  const flat: number[] = [];
  const endss = asset.land.map((rings) =>
    rings.map((ring) => {
      for (const value of unpackLine(ring, asset.unit)) flat.push(value);
      return flat.length;
    }),
  );
  const land = new MultiPolygon(flat, 'XY', endss);
  const lines = asset.borders.map((line) => unpackLine(line, asset.unit));
  const ends: number[] = [];
  for (const line of lines) ends.push((ends.at(-1) ?? 0) + line.length);
  const borders = new MultiLineString(lines.flat(), 'XY', ends);
  const source = new VectorSource({ features: [new Feature(land), new Feature(borders)], wrapX: true });
  return new VectorLayer({
    source,
    style: (f) => (f.getGeometry()?.getType() === 'MultiPolygon' ? LAND_AND_COAST : BORDER),
    className: 'tl-land',
    maxZoom: WORLD_MAX_ZOOM,
  });
}

/** The 1:50m pieces (cut at build time), fetched as a chunk of their own: the first view is the world's. */
let regionAsset: Promise<RegionAsset> | null = null;
function loadRegionAsset(): Promise<RegionAsset> {
  regionAsset ??= import('./generated/basemap-region.json').then((module) => module.default as RegionAsset);
  return regionAsset;
}

/** Region zoom: the 1:50m land in pieces, and the borders (drawn at every zoom past the world's) as runs. */
function regionLayers(): { land: VectorLayer; borders: VectorLayer } {
  const land = new VectorSource({
    wrapX: true,
    loader: async () => {
      const asset = await loadRegionAsset();
      return landFeatures({ areas: asset.areas.map((area) => area.map((ring) => unpackLine(ring, asset.unit))), coasts: asset.coasts.map((run) => unpackLine(run, asset.unit)) });
    },
  });
  const borders = new VectorSource({
    wrapX: true,
    loader: async () => {
      const asset = await loadRegionAsset();
      return asset.borders.map((run) => new Feature(new LineString(unpackLine(run, asset.unit), 'XY')));
    },
  });
  return {
    land: new VectorLayer({ source: land, style: landStyle, className: 'tl-land', minZoom: WORLD_MAX_ZOOM, maxZoom: DETAIL_ZOOM }),
    borders: new VectorLayer({ source: borders, style: BORDER, className: 'tl-land', minZoom: WORLD_MAX_ZOOM }),
  };
}

/** Polygons of 1:10m land cut per task while it loads. */
const LOAD_SLICE = 250;

/** From this zoom on, 1:10m land replaces 1:50m: coastlines good enough to tell a harbour. */
const DETAIL_ZOOM = 7;

function detailedLand(): VectorLayer {
  // A loader's promised features are added to the source once, the first time the layer shows.
  const source = new VectorSource({
    wrapX: true,
    loader: async () => {
      const land10m = (await import('world-atlas/land-10m.json')).default as unknown as Topology<{ land: GeometryCollection }>;
      const polygons = landPolygons(feature(land10m, land10m.objects.land) as FeatureCollection);
      // Project and cut a slice of the polygons at a time, letting the page answer clicks in between.
      const features: Feature[] = [];
      for (let start = 0; start < polygons.length; start += LOAD_SLICE) {
        features.push(...landFeatures(landPieces(projectedAreas(polygons.slice(start, start + LOAD_SLICE)), PIECE_POINTS, PIECE_OVERLAP_M)));
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return features;
    },
  });
  return new VectorLayer({ source, style: landStyle, className: 'tl-land', minZoom: DETAIL_ZOOM });
}

/** Place name rank → the view resolution (m/px) below which it shows: capitals at world scale, ports near a harbour. */
const RANK_RESOLUTION: Record<number, number> = { 1: Infinity, 2: 9_000, 3: 1_500 };

function placesLayer(): VectorLayer {
  const features = (places.places as [string, number, number, string, number][]).map(([name, lon, lat, kind, rank]) => {
    const f = new Feature({ geometry: new Point(fromLonLat([lon, lat])) });
    f.setProperties({ name, kind, rank });
    return f;
  });
  const styles = new Map<string, Style>();
  return new VectorLayer({
    source: new VectorSource({ features, wrapX: true }),
    className: 'tl-places',
    declutter: 'places',
    style: (f, resolution) => {
      const rank = f.get('rank') as number;
      if (resolution > (RANK_RESOLUTION[rank] ?? 0)) return undefined;
      const key = `${f.get('name')}|${f.get('kind')}`;
      let style = styles.get(key);
      if (!style) {
        const port = f.get('kind') === 'port';
        style = new Style({
          image: new Circle({ radius: port ? 3 : 2.5, fill: new Fill({ color: port ? '#2d5f86' : '#4a4a4a' }), stroke: new Stroke({ color: '#ffffff', width: 1 }) }),
          text: new Text({
            text: f.get('name') as string,
            font: `${rank === 1 ? '600 ' : ''}11px system-ui, sans-serif`,
            offsetX: 6,
            textAlign: 'left',
            fill: new Fill({ color: port ? '#1f4766' : '#333333' }),
            stroke: new Stroke({ color: 'rgba(255,255,255,0.9)', width: 3 }),
          }),
          zIndex: 3 - rank,
        });
        styles.set(key, style);
      }
      return style;
    },
  });
}

export function basemapLayers() {
  // Fetched now, decoded when region zoom is first reached.
  void loadRegionAsset();
  const region = regionLayers();
  return [
    worldLayer(),
    region.land,
    detailedLand(),
    region.borders,
    new Graticule({
      className: 'tl-graticule',
      strokeStyle: new Stroke({ color: 'rgba(70, 100, 130, 0.35)', width: 0.6 }),
      showLabels: true,
      wrapX: true,
      lonLabelStyle: new Text({ font: '10px system-ui, sans-serif', textBaseline: 'bottom', fill: new Fill({ color: '#3d5568' }), stroke: new Stroke({ color: '#ffffffcc', width: 3 }) }),
      latLabelStyle: new Text({ font: '10px system-ui, sans-serif', textAlign: 'end', fill: new Fill({ color: '#3d5568' }), stroke: new Stroke({ color: '#ffffffcc', width: 3 }) }),
    }),
    placesLayer(),
  ];
}
