// A release whose decision was stored but whose re-mark did not happen (the server stopped in
// between) is finished at start-up. The audit log says which re-marks happened: applyRemark
// records the request id with each one. One release that cannot be finished is recorded as failed
// and the others go on: no object keeps the server from starting.
import { parseMarking } from '../../shared/markings';
import type { ReleaseRequest } from '../../shared/release';
import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../audit/entry';
import type { AuditLog } from '../audit/log';
import type { Remark } from '../objects/remark';
import type { Store } from '../store/types';
import type { Cell, CellRegistry } from '../workspaces/cellRegistry';
import { carryOutRelease } from './carryOut';
import type { ReleaseRequestStore } from './requestStore';
import type { ReleaseService } from './service';

export interface RecoveryPorts {
  store: Pick<Store, 'listWorkspaces'>;
  releaseStore: Pick<ReleaseRequestStore, 'listForWorkspace'>;
  cells: Pick<CellRegistry, 'get'>;
  audit: Pick<AuditLog, 'listForObject'>;
  releases: Pick<ReleaseService<unknown>, 'fail'>;
  remark: Remark;
  log: Pick<Logger, 'error'>;
}

/** Whether the audit log records the re-mark that carried out `request`. */
async function remarked(ports: RecoveryPorts, request: ReleaseRequest): Promise<boolean> {
  const history = await ports.audit.listForObject(request.objectId);
  return history.some((entry) => entry.action === 'object.remark' && entry.detail.requestId === request.id);
}

const released = (r: ReleaseRequest) => r.state === 'approved' || r.state === 'auto_released';

/** Re-marks the objects of released requests whose re-mark never happened. Returns how many. */
export async function finishInterruptedReleases(ports: RecoveryPorts): Promise<number> {
  let finished = 0;
  for (const workspace of await ports.store.listWorkspaces()) {
    const decided = (await ports.releaseStore.listForWorkspace(workspace.id)).filter(released);
    if (decided.length === 0) continue;
    let cell: Cell | undefined;
    try {
      cell = await ports.cells.get(workspace.id);
    } catch (err) {
      // Its releases stay as they are, to be finished at a start where the cell loads.
      ports.log.error({ err, workspaceId: workspace.id }, 'cell could not be loaded to finish its interrupted releases');
      continue;
    }
    if (!cell) continue;
    for (const request of decided) {
      try {
        if (await finishRelease(ports, cell, request)) finished++;
      } catch (err) {
        ports.log.error({ err, requestId: request.id, objectId: request.objectId }, 'interrupted release could not be finished; recorded as failed');
        await ports.releases.fail(request, err).catch((failure: unknown) => ports.log.error({ err: failure, requestId: request.id }, 'release failure could not be recorded'));
      }
    }
  }
  return finished;
}

/** Finishes one released request if its re-mark never happened; true when it did so now. */
async function finishRelease(ports: RecoveryPorts, cell: Cell, request: ReleaseRequest): Promise<boolean> {
  const entry = cell.index.get(request.objectId);
  // Gone (or not loadable: finished at a start where it loads), or re-marked since (the release,
  // or a person after it): nothing left to carry out now.
  if (!entry || entry.envelope.marking !== request.fromMarking) return false;
  // Still at the marking it was released from: either the re-mark never happened, or a person
  // narrowed it back after it did, and their later decision stands. The object's history says which.
  if (await remarked(ports, request)) return false;
  const marking = { ...parseMarking(request.targetMarking, cell.policy), originator: entry.envelope.originator };
  const actor = request.state === 'approved' ? { sub: request.decidedBy.sub, nation: request.decidedBy.nation } : SYSTEM_ACTOR;
  await carryOutRelease(ports, cell, { type: 'remark', objectId: request.objectId, marking, actor, requestId: request.id }, { requestId: request.id, recovered: 'after restart' });
  return true;
}
