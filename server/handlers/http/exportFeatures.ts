// Export of the cell's map features as GeoJSON or KML: geometry, name, description, symbol and
// each feature's marking, for exactly the features the caller may see and hold a copy of (DISPLAY
// ONLY material is for viewing, never for export). The file's banner is the roll-up of what is in
// it. Every export is audited, like a single object's.
import * as Y from 'yjs';
import { bodyOf, fieldsOf, fieldText } from '../../../shared/content';
import { isGeometry, normaliseForRead } from '../../../shared/geo/geometry';
import { toFeatureCollection, toKml, type ExportedFeature } from '../../../shared/geo/interchange';
import { readSidc } from '../../../shared/geo/symbols';
import { canHoldCopy, formatBanner, rollUp, type Marking } from '../../../shared/markings';
import type { Identity } from '../../auth/verifier';
import type { Context } from '../context';
import { auditActor } from '../../sessions/session';
import { memberCell, unchangedSince } from './cellReports';

export type FeatureExportFormat = 'geojson' | 'kml';

export async function exportFeatures(ctx: Context, identity: Identity, workspaceId: string, format: FeatureExportFormat): Promise<string> {
  const { cell, participant } = await memberCell(ctx, identity, workspaceId);
  const features: ExportedFeature[] = [];
  const markings: Marking[] = [];
  for (const { envelope, marking } of cell.index.all()) {
    if (envelope.kind !== 'feature' || !cell.index.canSee(participant, envelope.id) || !canHoldCopy(participant, marking, cell.policy)) continue;
    const doc = new Y.Doc({ guid: envelope.id });
    Y.applyUpdate(doc, (await ctx.docs.encodeState(envelope.id)).update);
    const geometry = fieldsOf(doc).get('geometry');
    if (!isGeometry(geometry)) continue;
    const sidc = readSidc(fieldsOf(doc).get('sidc'))?.sidc;
    features.push({
      id: envelope.id,
      name: fieldText(doc, 'name') ?? '',
      description: bodyOf(doc).toString(),
      marking: envelope.marking,
      portion: envelope.portion,
      geometry: normaliseForRead(geometry),
      ...(sidc ? { sidc } : {}),
    });
    markings.push(marking);
    doc.destroy();
  }
  unchangedSince(cell, participant, features);
  const banner = markings.length > 0 ? formatBanner(rollUp(markings, cell.policy), cell.policy) : 'UNCLASSIFIED';
  await ctx.audit.append({
    workspaceId: cell.workspace.id,
    actor: auditActor({ identity }),
    action: 'export',
    objectId: null,
    detail: { banner, format, features: features.length },
  });
  const collection = toFeatureCollection(features, banner, cell.workspace.exercise);
  return format === 'kml' ? toKml(collection, cell.workspace.name) : JSON.stringify(collection, null, 1);
}
