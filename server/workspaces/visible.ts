// What a cell shows a set of readers together: a join's answer (one reader) and view-as (the FDO
// and the partner they view as).
import type { Participant } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';
import { envelopeFor } from '../objects/envelopeView';
import type { Cell } from './cellRegistry';

/** The envelopes every one of `readers` may see, as they may see them together. */
export function visibleEnvelopes(cell: Cell, readers: readonly Participant[]): Envelope[] {
  const out: Envelope[] = [];
  for (const { envelope } of cell.index.all()) {
    if (readers.every((reader) => cell.index.canSee(reader, envelope.id))) out.push(envelopeFor(cell.index, envelope, readers));
  }
  return out;
}
