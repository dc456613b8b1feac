// GeoJSON and KML in and out. Every exported feature carries its marking (banner and portion) in
// its properties, and the collection its roll-up banner. An import is marked by the importer
// (default: the cell's default marking) and never widens: a feature that arrives with a marking of
// its own gets the roll-up of that and the chosen one, which is never wider than either.
import tokml from 'tokml';
import { formatBanner, parseMarking, rollUp, type MarkingPolicy } from '../markings';
import type { Marking } from '../markings';
import { formatPosition, wrapLongitude, type LonLat } from './coordinates';
import { isGeometry, normaliseForRead, normaliseForWrite, verticesOf, type FeatureGeometry } from './geometry';
import { readSidc } from './symbols';

export interface ExportedFeature {
  id: string;
  name: string;
  description: string;
  marking: string;
  portion: string;
  geometry: FeatureGeometry;
  sidc?: string;
}

export interface MarkedCollection {
  type: 'FeatureCollection';
  /** Foreign members (RFC 7946 §6.1): the roll-up banner of everything in the file. */
  banner: string;
  exercise?: boolean;
  features: { type: 'Feature'; id: string; geometry: FeatureGeometry; properties: Record<string, string> }[];
}

export function toFeatureCollection(features: ExportedFeature[], banner: string, exercise: boolean): MarkedCollection {
  return {
    type: 'FeatureCollection',
    banner,
    ...(exercise ? { exercise: true } : {}),
    features: features.map((f) => ({
      type: 'Feature',
      id: f.id,
      geometry: f.geometry,
      properties: { name: f.name, description: f.description, marking: f.marking, portion: f.portion, ...(f.sidc ? { sidc: f.sidc } : {}) },
    })),
  };
}

/** Every longitude within −180…180: KML's schema allows no other, and a globe draws each edge the short way. */
function wrapped(geometry: FeatureGeometry): FeatureGeometry {
  const wrap = ([lon, lat]: LonLat): LonLat => [wrapLongitude(lon), lat];
  if (geometry.type === 'Point') return { type: 'Point', coordinates: wrap(geometry.coordinates) };
  if (geometry.type === 'LineString') return { type: 'LineString', coordinates: geometry.coordinates.map(wrap) };
  return { type: 'Polygon', coordinates: geometry.coordinates.map((ring) => ring.map(wrap)) };
}

export function toKml(collection: MarkedCollection, documentName: string): string {
  const inRange = { ...collection, features: collection.features.map((f) => ({ ...f, geometry: wrapped(f.geometry) })) };
  return tokml(inRange, {
    documentName: `${collection.exercise ? 'EXERCISE ' : ''}${collection.banner} — ${documentName}`,
    documentDescription: collection.banner,
    name: 'name',
    description: 'description',
    simplestyle: false,
    timestamp: 'timestamp',
  });
}

export interface PlannedImport {
  name: string;
  description: string;
  geometry: FeatureGeometry;
  sidc?: string;
  /** The banner it will be created with. */
  marking: string;
  /** Why the marking is narrower than the one chosen, when it is. */
  note?: string;
}

export interface ImportPlan {
  features: PlannedImport[];
  /** Features left out, each with the reason. */
  refused: string[];
}

/** Splits multi-geometries into the point, line and area features the map holds. */
function parts(geometry: { type: string; coordinates?: unknown; geometries?: unknown[] }): unknown[] {
  if (geometry.type === 'MultiPoint' || geometry.type === 'MultiLineString' || geometry.type === 'MultiPolygon') {
    const single = geometry.type.slice(5);
    return (geometry.coordinates as unknown[]).map((coordinates) => ({ type: single, coordinates }));
  }
  if (geometry.type === 'GeometryCollection') return (geometry.geometries ?? []).flatMap((g) => parts(g as { type: string }));
  return [geometry];
}

/**
 * What an import of `data` (a parsed GeoJSON FeatureCollection) would create, marked `chosen`.
 * Pure: the client shows the plan, with every feature's marking, before anything is created.
 */
export function planImport(data: unknown, chosen: Marking, policy: MarkingPolicy): ImportPlan {
  const plan: ImportPlan = { features: [], refused: [] };
  const features = (data as { features?: unknown })?.features;
  if (!Array.isArray(features)) return { features: [], refused: ['The file holds no GeoJSON or KML features.'] };
  features.forEach((raw, index) => {
    const feature = raw as { geometry?: { type: string } | null; properties?: Record<string, unknown> | null };
    const properties = feature.properties ?? {};
    const name = typeof properties.name === 'string' && properties.name.trim() ? properties.name.trim() : `Imported feature ${index + 1}`;
    if (!feature.geometry) {
      plan.refused.push(`${name}: it has no geometry.`);
      return;
    }
    let marking = chosen;
    let note: string | undefined;
    if (typeof properties.marking === 'string') {
      try {
        const own = { ...parseMarking(properties.marking, policy), originator: chosen.originator };
        marking = rollUp([chosen, own], policy);
        const banner = formatBanner(marking, policy);
        if (banner !== formatBanner(chosen, policy)) note = `kept within its own marking ${properties.marking}`;
      } catch (error) {
        plan.refused.push(`${name}: its marking “${properties.marking}” cannot be read (${error instanceof Error ? error.message : String(error)}).`);
        return;
      }
    }
    for (const geometry of parts(feature.geometry)) {
      if (!isGeometry(geometry)) {
        plan.refused.push(`${name}: a ${(geometry as { type?: string }).type ?? 'shape'} this map cannot hold.`);
        continue;
      }
      const checked = normaliseForWrite(geometry);
      if (!checked.ok) {
        plan.refused.push(`${name}: ${checked.reason}`);
        continue;
      }
      const sidc = readSidc(properties.sidc)?.sidc;
      plan.features.push({
        name,
        description: typeof properties.description === 'string' ? properties.description : '',
        geometry: checked.geometry,
        ...(sidc ? { sidc } : {}),
        marking: formatBanner(marking, policy),
        ...(note ? { note } : {}),
      });
    }
  });
  return plan;
}

/** A feature's geometry in words for a text export: its kind and every position, in DD and MGRS. */
export function positionText(value: unknown): string | undefined {
  if (!isGeometry(value)) return undefined;
  const geometry = normaliseForRead(value);
  const vertices = verticesOf(geometry);
  const list = vertices.map((p) => `${formatPosition(p, 'dd')} (MGRS ${formatPosition(p, 'mgrs')})`).join('; ');
  const kind = geometry.type === 'Point' ? 'Position' : `${geometry.type === 'Polygon' ? 'Area' : 'Line'} of ${vertices.length} positions`;
  return `${kind}: ${list}`;
}
