// A short human name for an object: its title or name field, else its kind; a report paragraph
// by its stable name (shared/paragraphName.ts) in its report, the same for the FDO and the requester.
import { bodyOf, fieldText } from '../../../shared/content';
import type { Envelope } from '../../../shared/protocol';
import { paragraphName } from '../../../shared/paragraphName';
import type { Picture } from '../session/picture';
import { paragraphPlace } from './selectors';

const KIND_NAMES: Record<Envelope['kind'], string> = {
  feature: 'map feature',
  report: 'report',
  portion: 'report paragraph',
  event: 'timeline event',
  rfi: 'RFI',
  note: 'note',
  comment: 'comment',
  suggestion: 'suggestion',
};

/** What an object says, for one who decides its release: its title or name, then its text; null when its content is not loaded. */
export function objectContent(id: string, picture: Picture): string | null {
  const doc = picture.replica(id)?.doc;
  if (!doc) return null;
  const title = (fieldText(doc, 'title') ?? fieldText(doc, 'name'))?.trim();
  const body = bodyOf(doc).toString().trim();
  return [title, body].filter(Boolean).join('\n\n');
}

export function objectLabel(envelope: Envelope, picture: Picture): string {
  const place = paragraphPlace(picture.getSnapshot().objects, envelope);
  if (place) return `paragraph ${paragraphName(envelope.id)} of ${objectLabel(place.report, picture)}`;
  const doc = picture.replica(envelope.id)?.doc;
  const title = doc ? (fieldText(doc, 'title') ?? fieldText(doc, 'name')) : undefined;
  return title?.trim() ? `${KIND_NAMES[envelope.kind]} “${title.trim()}”` : KIND_NAMES[envelope.kind];
}

/**
 * Names objects by id for the audit trail: by label when in the reader's picture, else (deleted,
 * or narrowed away since) by the stable name worked out from the id alone, which tells nothing more.
 */
export function objectNamer(byId: ReadonlyMap<string, Envelope>, picture: Picture): (id: string) => string {
  return (id) => {
    const object = byId.get(id);
    return object ? objectLabel(object, picture) : paragraphName(id);
  };
}
