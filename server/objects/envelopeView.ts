// What an envelope looks like to its readers: a tearline's link to its source is kept only when
// every one of them may see the source (DESIGN.md, "Tearline"). Several readers at once is
// view-as: an FDO looking at a partner level's picture learns only what both may know.
import { participantFromLevelKey, type Participant } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';
import type { ObjectIndex } from './objectIndex';

export function envelopeFor(index: ObjectIndex, envelope: Envelope, readers: readonly Participant[]): Envelope {
  const { sourceId, ...rest } = envelope;
  if (sourceId === undefined || readers.every((reader) => index.canSee(reader, sourceId))) return envelope;
  return rest;
}

export function envelopeForLevel(index: ObjectIndex, envelope: Envelope, levelKey: string): Envelope {
  return envelopeFor(index, envelope, [participantFromLevelKey(levelKey)]);
}
