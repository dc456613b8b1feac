// What an envelope looks like to one access level: a tearline's link to its source is kept only
// for levels that may see the source (DESIGN.md, "Tearline").
import { participantFromLevelKey } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';
import type { ObjectIndex } from './objectIndex';

export function envelopeForLevel(index: ObjectIndex, envelope: Envelope, levelKey: string): Envelope {
  if (!envelope.sourceId || index.canSee(participantFromLevelKey(levelKey), envelope.sourceId)) return envelope;
  const { sourceId: _hidden, ...rest } = envelope;
  return rest;
}
