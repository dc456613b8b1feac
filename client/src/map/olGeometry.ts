// GeoJSON geometries (lon/lat) to and from OpenLayers geometries in Web Mercator.
import type { Geometry } from 'ol/geom';
import LineString from 'ol/geom/LineString';
import Point from 'ol/geom/Point';
import Polygon from 'ol/geom/Polygon';
import { fromLonLat, toLonLat } from 'ol/proj';
import type { LonLat } from '../../../shared/geo/coordinates';
import type { FeatureGeometry } from '../../../shared/geo/geometry';

const to3857 = (p: LonLat) => fromLonLat(p);
const toLL = (c: number[]): LonLat => {
  const [lon, lat] = toLonLat(c);
  return [lon!, lat!];
};

export function toOl(geometry: FeatureGeometry): Geometry {
  if (geometry.type === 'Point') return new Point(to3857(geometry.coordinates));
  if (geometry.type === 'LineString') return new LineString(geometry.coordinates.map(to3857));
  return new Polygon(geometry.coordinates.map((ring) => ring.map(to3857)));
}

/** Back to lon/lat; positions come back wrapped into −180…180 and are unwrapped on normalising. */
export function fromOl(geometry: Geometry): FeatureGeometry | undefined {
  if (geometry instanceof Point) return { type: 'Point', coordinates: toLL(geometry.getCoordinates()) };
  if (geometry instanceof LineString) return { type: 'LineString', coordinates: geometry.getCoordinates().map(toLL) };
  if (geometry instanceof Polygon) return { type: 'Polygon', coordinates: geometry.getCoordinates().map((ring) => ring.map(toLL)) };
  return undefined;
}

export function lonLatAt(coordinate: number[]): LonLat {
  return toLL(coordinate);
}
