// The offline basemap, all in the bundle (no tile server is reachable from a cell): land,
// coastlines and borders from Natural Earth 1:50m (world-atlas), land at 1:10m from region zoom
// in (a separate chunk of the bundle, loaded from the server the first time it is needed), a
// graticule, and a curated list
// of major places and ports (places.json, Natural Earth, public domain). Place names appear
// by rank as one zooms in, decluttered so they never overlap. Land and borders are cut into
// small pieces (landPieces.ts) so a zoom step only redraws what is in view.
import type { FeatureCollection, MultiLineString as GeoMultiLineString, Position } from 'geojson';
import Feature, { type FeatureLike } from 'ol/Feature';
import GeoJSON from 'ol/format/GeoJSON';
import type { Geometry } from 'ol/geom';
import LineString from 'ol/geom/LineString';
import MultiLineString from 'ol/geom/MultiLineString';
import Point from 'ol/geom/Point';
import Polygon from 'ol/geom/Polygon';
import Graticule from 'ol/layer/Graticule';
import VectorLayer from 'ol/layer/Vector';
import { fromLonLat } from 'ol/proj';
import VectorSource from 'ol/source/Vector';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries50m from 'world-atlas/countries-50m.json';
import { landPieces, runs, type Area } from './landPieces';
import places from './places.json';

const topology = countries50m as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });

/** Points per piece of land or border: small enough to skip what is out of view, large enough to stay few. */
const PIECE_POINTS = 512;
/** How far (m) neighbouring pieces of an area overlap, so their fills leave no hairline between them. */
const PIECE_OVERLAP_M = 200;

const LAND_FILL = new Style({ fill: new Fill({ color: '#f4f1e8' }) });
const COAST = new Style({ stroke: new Stroke({ color: '#8d9aa5', width: 0.8 }) });
const landStyle = (f: FeatureLike) => (f.getGeometry()?.getType() === 'Polygon' ? LAND_FILL : COAST);

/** Natural Earth's land (one MultiPolygon, longitude and latitude) as polygons' rings. */
function landPolygons(data: FeatureCollection): Position[][][] {
  return data.features.flatMap(({ geometry }) => (geometry.type === 'MultiPolygon' ? geometry.coordinates : geometry.type === 'Polygon' ? [geometry.coordinates] : []));
}

/** Polygons in longitude and latitude as areas of flat rings in the map's projection. */
function projectedAreas(polygons: Position[][][]): Area[] {
  return polygons.map((rings) => {
    const polygon = new Polygon(rings).transform('EPSG:4326', 'EPSG:3857') as Polygon;
    const flat = polygon.getFlatCoordinates();
    return polygon.getEnds().map((end, i, ends) => flat.slice(i === 0 ? 0 : ends[i - 1], end));
  });
}

/** Land as filled pieces and coastline runs (a cut must never draw as a coast). */
function landFeatures(areas: Area[]): Feature[] {
  const pieces = landPieces(areas, PIECE_POINTS, PIECE_OVERLAP_M);
  const features: Feature<Geometry>[] = pieces.areas.map((area) => {
    const ends: number[] = [];
    for (const ring of area) ends.push((ends.at(-1) ?? 0) + ring.length);
    return new Feature(new Polygon(area.flat(), 'XY', ends));
  });
  for (const coast of pieces.coasts) features.push(new Feature(new LineString(coast, 'XY')));
  return features;
}

/** Borders as runs of consecutive points. */
function borderFeatures(data: GeoMultiLineString): Feature[] {
  const geometry = geojson.readGeometry(data) as MultiLineString;
  return geometry.getLineStrings().flatMap((line) => runs(line.getFlatCoordinates(), PIECE_POINTS).map((run) => new Feature(new LineString(run, 'XY'))));
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
        features.push(...landFeatures(projectedAreas(polygons.slice(start, start + LOAD_SLICE))));
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
  const land = feature(topology, topology.objects.land) as FeatureCollection;
  const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b);
  return [
    new VectorLayer({ source: new VectorSource({ features: landFeatures(projectedAreas(landPolygons(land))), wrapX: true }), style: landStyle, className: 'tl-land', maxZoom: DETAIL_ZOOM }),
    detailedLand(),
    new VectorLayer({
      source: new VectorSource({ features: borderFeatures(borders), wrapX: true }),
      style: new Style({ stroke: new Stroke({ color: '#b1a9b8', width: 0.6, lineDash: [4, 2] }) }),
      className: 'tl-land',
    }),
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
