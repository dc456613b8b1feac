// A short human name for an object: its title or name field, else its kind.
import { fieldsOf } from '../../../shared/content';
import type { Envelope } from '../../../shared/protocol';
import type { Picture } from '../session/picture';

const KIND_NAMES: Record<Envelope['kind'], string> = {
  feature: 'map feature',
  report: 'report',
  portion: 'report paragraph',
  event: 'timeline event',
  rfi: 'RFI',
  note: 'note',
};

export function objectLabel(envelope: Envelope, picture: Picture): string {
  const doc = picture.replica(envelope.id)?.doc;
  const fields = doc ? fieldsOf(doc) : null;
  const title = fields?.get('title') ?? fields?.get('name');
  return typeof title === 'string' && title.trim() ? `${KIND_NAMES[envelope.kind]} “${title.trim()}”` : KIND_NAMES[envelope.kind];
}
