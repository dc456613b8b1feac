// The classification colour class of an object (tone-secret, …), or tone-unknown.
import type { MarkingPolicy } from '../../../shared/markings';
import type { Envelope } from '../../../shared/protocol';
import { toneOf } from './banner';
import { markingOf } from './cell';

export function toneClass(envelope: Pick<Envelope, 'marking' | 'originator'>, policy: MarkingPolicy): string {
  try {
    return `tone-${toneOf(markingOf(envelope.marking, envelope.originator, policy).classification, policy)}`;
  } catch {
    // The server accepted this marking; a client policy lagging behind only loses the colour.
    return 'tone-unknown';
  }
}
