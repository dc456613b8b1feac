// A release whose decision was stored but whose re-mark did not happen (the server stopped in
// between) is finished at start-up. The audit log says which re-marks happened: applyRemark
// records the request id with each one.
import { parseMarking } from '../../shared/markings';
import type { ReleaseRequest } from '../../shared/release';
import { SYSTEM_ACTOR } from '../audit/entry';
import type { Context } from '../context';
import { applyRemark } from '../objects/objectHandlers';

/** Whether the audit log records the re-mark that carried out `request`. */
async function remarked(ctx: Context, request: ReleaseRequest): Promise<boolean> {
  const history = await ctx.audit.listForObject(request.objectId);
  return history.some((entry) => entry.action === 'object.remark' && entry.detail.requestId === request.id);
}

const released = (r: ReleaseRequest) => r.state === 'approved' || r.state === 'auto_released';

/** Re-marks the objects of released requests whose re-mark never happened. Returns how many. */
export async function finishInterruptedReleases(ctx: Context): Promise<number> {
  let finished = 0;
  for (const workspace of await ctx.store.listWorkspaces()) {
    const decided = (await ctx.releaseStore.listForWorkspace(workspace.id)).filter(released);
    if (decided.length === 0) continue;
    const cell = await ctx.cells.get(workspace.id);
    if (!cell) continue;
    for (const request of decided) {
      const entry = cell.index.get(request.objectId);
      // Gone, or re-marked since (the release, or a person after it): nothing left to carry out.
      if (!entry || entry.envelope.marking !== request.fromMarking) continue;
      // Still at the marking it was released from: either the re-mark never happened, or a person
      // narrowed it back after it did, and their later decision stands. The object's history says which.
      if (await remarked(ctx, request)) continue;
      const marking = { ...parseMarking(request.targetMarking, cell.policy), originator: entry.envelope.originator };
      const actor = request.state === 'approved' ? { sub: request.decidedBy.sub, nation: request.decidedBy.nation } : SYSTEM_ACTOR;
      await applyRemark(ctx, cell, request.objectId, marking, actor, { requestId: request.id, recovered: 'after restart' });
      finished++;
    }
  }
  return finished;
}
