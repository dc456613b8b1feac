// What the map draws of each feature the participant may see: its envelope, its geometry
// normalised on read (so stored content from any client always draws the right way out), its name
// and its symbol code. Everything here comes from the filtered picture, so nothing the server did
// not release can be drawn, listed, measured or exported from it.
import { fieldsOf, fieldText } from '../../../shared/content';
import { isGeometry, normaliseForRead, type FeatureGeometry } from '../../../shared/geo/geometry';
import { readSidc, type Affiliation } from '../../../shared/geo/symbols';
import type { Envelope } from '../../../shared/protocol';
import type { Picture } from '../session/picture';
import type { ObjectReplica } from '../session/replica';

export interface MapFeature {
  envelope: Envelope;
  geometry: FeatureGeometry;
  name: string;
  sidc: string | undefined;
  affiliation: Affiliation | undefined;
  /** When it was last moved, as the mover's client wrote it beside the geometry (ISO 8601). */
  movedAt: string | undefined;
  /** Changes whenever the feature's doc does: the map redraws only what changed. */
  version: string;
}

/** What the map draws of a feature's doc: the map re-renders when this changes, not on every edit. */
export function mapKeyOf(replica: ObjectReplica): string {
  const doc = replica.doc;
  const fields = fieldsOf(doc);
  return JSON.stringify([fields.get('geometry'), fields.get('sidc'), fieldText(doc, 'name'), fields.get('movedAt')]);
}

export function mapFeaturesOf(picture: Picture, features: readonly Envelope[]): MapFeature[] {
  const out: MapFeature[] = [];
  for (const envelope of features) {
    const replica = picture.replica(envelope.id);
    if (!replica) continue;
    const fields = fieldsOf(replica.doc);
    const raw = fields.get('geometry');
    if (!isGeometry(raw)) continue;
    const symbol = readSidc(fields.get('sidc'));
    const movedAt = fields.get('movedAt');
    out.push({
      envelope,
      geometry: normaliseForRead(raw),
      name: fieldText(replica.doc, 'name') || 'Unnamed feature',
      sidc: symbol?.sidc,
      affiliation: symbol?.affiliation,
      movedAt: typeof movedAt === 'string' ? movedAt : undefined,
      version: `${replica.serial}.${replica.version}|${envelope.marking}`,
    });
  }
  return out;
}
