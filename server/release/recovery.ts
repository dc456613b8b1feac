// A release whose decision was stored but whose re-mark did not happen (the server stopped in
// between) is finished at start-up. The audit log says which re-marks happened: applyRemark
// records the request id with each one.
import { parseMarking } from '../../shared/markings';
import type { ReleaseRequest } from '../../shared/release';
import { AUDIT_PAGE_MAX } from '../audit/log';
import { SYSTEM_ACTOR } from '../audit/entry';
import type { Context } from '../context';
import { applyRemark } from '../objects/objectHandlers';

async function requestsRemarked(ctx: Context, workspaceId: string): Promise<Set<string>> {
  const done = new Set<string>();
  let afterSeq = 0;
  for (;;) {
    const page = await ctx.audit.listForWorkspace(workspaceId, { afterSeq, limit: AUDIT_PAGE_MAX });
    for (const entry of page) {
      const requestId = entry.detail.requestId;
      if (entry.action === 'object.remark' && typeof requestId === 'string') done.add(requestId);
    }
    if (page.length < AUDIT_PAGE_MAX) return done;
    afterSeq = page.at(-1)!.seq;
  }
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
    const done = await requestsRemarked(ctx, workspace.id);
    for (const request of decided) {
      const entry = cell.index.get(request.objectId);
      // Gone, or re-marked by a person since: their later decision stands.
      if (done.has(request.id) || !entry || entry.envelope.marking !== request.fromMarking) continue;
      const marking = { ...parseMarking(request.targetMarking, cell.policy), originator: entry.envelope.originator };
      const actor = request.state === 'approved' ? { sub: request.decidedBy.sub, nation: request.decidedBy.nation } : SYSTEM_ACTOR;
      await applyRemark(ctx, cell, request.objectId, marking, actor, { requestId: request.id, recovered: 'after restart' });
      finished++;
    }
  }
  return finished;
}
