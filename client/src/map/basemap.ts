// The offline basemap, all in the bundle (no tile server is reachable from a cell): land,
// coastlines and borders from Natural Earth 1:50m (world-atlas), land at 1:10m from region zoom
// in (a separate chunk of the bundle, loaded from the server the first time it is needed), a
// graticule, and a curated list
// of major places and ports (places.json, Natural Earth, public domain). Place names appear
// by rank as one zooms in, decluttered so they never overlap.
import type { FeatureCollection, MultiLineString } from 'geojson';
import Feature from 'ol/Feature';
import GeoJSON from 'ol/format/GeoJSON';
import Point from 'ol/geom/Point';
import Graticule from 'ol/layer/Graticule';
import VectorLayer from 'ol/layer/Vector';
import { fromLonLat } from 'ol/proj';
import VectorSource from 'ol/source/Vector';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries50m from 'world-atlas/countries-50m.json';
import places from './places.json';

const topology = countries50m as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });

function vectorLayer(data: FeatureCollection | MultiLineString, style: Style, className: string, maxZoom = Infinity): VectorLayer {
  return new VectorLayer({ source: new VectorSource({ features: geojson.readFeatures(data), wrapX: true }), style, className, maxZoom });
}

/** From this zoom on, 1:10m land replaces 1:50m: coastlines good enough to tell a harbour. */
const DETAIL_ZOOM = 7;

function detailedLand(style: Style): VectorLayer {
  // A loader's promised features are added to the source once, the first time the layer shows.
  const source = new VectorSource({
    wrapX: true,
    loader: async () => {
      const land10m = (await import('world-atlas/land-10m.json')).default as unknown as Topology<{ land: GeometryCollection }>;
      return geojson.readFeatures(feature(land10m, land10m.objects.land)) as Feature[];
    },
  });
  return new VectorLayer({ source, style, className: 'tl-land', minZoom: DETAIL_ZOOM });
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
  const landStyle = new Style({ fill: new Fill({ color: '#f4f1e8' }), stroke: new Stroke({ color: '#8d9aa5', width: 0.8 }) });
  return [
    vectorLayer(land, landStyle, 'tl-land', DETAIL_ZOOM),
    detailedLand(landStyle),
    vectorLayer(borders, new Style({ stroke: new Stroke({ color: '#b1a9b8', width: 0.6, lineDash: [4, 2] }) }), 'tl-land'),
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
