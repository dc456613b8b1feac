// A release request's state in words: the label of its state, what happened, and whether silence
// releases it at the deadline.
import { MarkingError, parseMarking, type MarkingPolicy } from '../../../shared/markings';
import type { ReleaseRequest } from '../../../shared/protocol';
import { autoReleaseRefusal, DENIAL_CATEGORY_LABELS, type ExpiryCause, type ReleasePolicy, type ReleaseState } from '../../../shared/release';
import { dtgText } from '../views/Dtg';

export const STATE_LABELS: Record<ReleaseState, string> = {
  pending: 'Pending',
  approved: 'Approved',
  denied: 'Denied',
  withdrawn: 'Withdrawn',
  auto_released: 'Released automatically',
  expired: 'Expired',
  failed: 'Not carried out',
};

const EXPIRY_CAUSES: Record<ExpiryCause, string> = {
  auto_release_off: 'this cell does not release on silence; ask again if it is still needed',
  originator_not_opted_in: 'the originating nation has not opted its material in to automatic release in this cell; ask again if it is still needed',
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
      return `Approved by ${request.decidedBy.name} (${request.decidedBy.nation}) at ${dtgText(request.closedAt)}: now ${request.targetMarking}.`;
    case 'denied':
      return `Denied by ${request.decidedBy.name} (${request.decidedBy.nation}) at ${dtgText(request.closedAt)}: ${DENIAL_CATEGORY_LABELS[request.category ?? 'other'].toLowerCase()}.`;
    case 'withdrawn':
      return `Withdrawn at ${dtgText(request.closedAt)}.`;
    case 'auto_released':
      return `Released automatically at the deadline (${dtgText(request.closedAt)}): now ${request.targetMarking}.`;
    case 'expired':
      return `Expired at the deadline: ${EXPIRY_CAUSES[request.cause]}.`;
    case 'failed':
      return `${request.decidedBy ? `Approved by ${request.decidedBy.name} (${request.decidedBy.nation})` : 'Released automatically at the deadline'}, but not carried out (${dtgText(request.closedAt)}).`;
  }
}

/**
 * Whether the server releases the request by itself at the deadline: the cell says so, the
 * originating nation opted in, and the item is not ORCON.
 */
export function releasesOnSilence(request: ReleaseRequest, releasePolicy: ReleasePolicy | undefined, policy: MarkingPolicy): boolean {
  if (autoReleaseRefusal(releasePolicy, request.originator)) return false;
  try {
    return !parseMarking(request.fromMarking, policy).orcon;
  } catch (error) {
    if (error instanceof MarkingError) return false;
    throw error;
  }
}

export function deadlineSentence(request: ReleaseRequest, releasePolicy: ReleasePolicy | undefined, policy: MarkingPolicy): string {
  if (releasesOnSilence(request, releasePolicy, policy)) return 'Released automatically at the deadline unless an FDO decides first.';
  switch (autoReleaseRefusal(releasePolicy, request.originator)) {
    case 'auto_release_off':
      return 'Without a decision it expires at the deadline (this cell does not release automatically).';
    case 'originator_not_opted_in':
      return `Without a decision it expires at the deadline (${request.originator} has not opted its material in to automatic release in this cell).`;
    case null:
      return 'ORCON: never released automatically; without a decision it expires at the deadline.';
  }
}
