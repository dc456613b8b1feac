// Carrying out a release's re-mark, or leaving the object as it was: a re-mark that throws before
// its envelope is stored has changed nothing (a new epoch replaces the live docs only once it is
// stored). Once the new marking is stored the release stands, and a later fault (its
// announcement) is only logged.
import type { Logger } from 'pino';
import { formatBanner } from '../../shared/markings';
import type { Remark } from '../objects/remark';
import type { Cell } from '../workspaces/cellRegistry';
import type { RemarkEffect } from './service';

export async function carryOutRelease(
  ports: { remark: Remark; log: Pick<Logger, 'error'> },
  cell: Cell,
  effect: RemarkEffect,
  detail: Record<string, string>,
): Promise<void> {
  try {
    await ports.remark(cell, effect.objectId, effect.marking, effect.actor, { detail });
  } catch (err) {
    ports.log.error({ err, requestId: effect.requestId, objectId: effect.objectId }, 'release re-mark failed');
    if (cell.index.get(effect.objectId)?.envelope.marking === formatBanner(effect.marking, cell.policy)) return;
    throw err;
  }
}
