// A release request's state in words: the label of its state, what happened, and whether silence
// releases it at the deadline.
import { MarkingError, parseMarking, type MarkingPolicy } from '../../../shared/markings';
import type { ReleaseRequest } from '../../../shared/protocol';
import type { ExpiryCause, ReleaseState } from '../../../shared/release';
import { formatUtc } from '../timeline/utcTime';

export const STATE_LABELS: Record<ReleaseState, string> = {
  pending: 'Pending',
  approved: 'Approved',
  denied: 'Denied',
  withdrawn: 'Withdrawn',
  auto_released: 'Released automatically',
  expired: 'Expired',
};

const EXPIRY_CAUSES: Record<ExpiryCause, string> = {
  auto_release_off: 'this cell does not release on silence; ask again if it is still needed',
  orcon: 'the item is ORCON and is never released without its originator',
  marking_changed: 'the item’s marking changed after the request',
  object_gone: 'the item no longer exists',
};

/** One sentence on where the request stands (the denial reason is shown on its own). */
export function outcomeSentence(request: ReleaseRequest): string {
  switch (request.state) {
    case 'pending':
      return `Waiting for a foreign disclosure officer of ${request.originator}.`;
    case 'approved':
      return `Approved by ${request.decidedBy.name} (${request.decidedBy.nation}) at ${formatUtc(request.closedAt)}: now ${request.targetMarking}.`;
    case 'denied':
      return `Denied by ${request.decidedBy.name} (${request.decidedBy.nation}) at ${formatUtc(request.closedAt)}.`;
    case 'withdrawn':
      return `Withdrawn at ${formatUtc(request.closedAt)}.`;
    case 'auto_released':
      return `Released automatically at the deadline (${formatUtc(request.closedAt)}): now ${request.targetMarking}.`;
    case 'expired':
      return `Expired at the deadline: ${EXPIRY_CAUSES[request.cause]}.`;
  }
}

/** Whether the server releases the request by itself at the deadline: the cell says so and the item is not ORCON. */
export function releasesOnSilence(request: ReleaseRequest, autoRelease: boolean, policy: MarkingPolicy): boolean {
  if (!autoRelease) return false;
  try {
    return !parseMarking(request.fromMarking, policy).orcon;
  } catch (error) {
    if (error instanceof MarkingError) return false;
    throw error;
  }
}

export function deadlineSentence(request: ReleaseRequest, autoRelease: boolean, policy: MarkingPolicy): string {
  if (releasesOnSilence(request, autoRelease, policy)) return 'Released automatically at the deadline unless an FDO decides first.';
  if (autoRelease) return 'ORCON: never released automatically; without a decision it expires at the deadline.';
  return 'Without a decision it expires at the deadline (this cell does not release automatically).';
}
