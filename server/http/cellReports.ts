// Read-only views of a cell for its members: the audit trail (FDOs and admins) and the sharing
// figures. Both cover only objects the caller may see now: counts are information too.
import type { Request } from 'express';
import { z } from 'zod';
import * as Y from 'yjs';
import { visibleText } from '../../shared/content';
import type { Participant } from '../../shared/markings';
import { AUDIT_PAGE_MAX } from '../audit/log';
import { auditEntriesVisibleTo } from '../audit/visibility';
import type { Identity } from '../auth/verifier';
import type { Context } from '../context';
import { forbidden, TearlineError } from '../errors';
import { sharingFigures, type FigureObject, type SharingFigures } from '../figures/sharingFigures';
import { participantOf } from '../sessions/identity';
import type { Cell } from '../workspaces/cellRegistry';
import { isMember, memberNations } from '../workspaces/workspaceService';

const auditQuery = z.object({
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
});

export async function memberCell(ctx: Context, identity: Identity, workspaceId: string): Promise<{ cell: Cell; participant: Participant }> {
  const cell = await ctx.cells.get(workspaceId);
  if (!cell) throw new TearlineError('not_found', 'No such cell.');
  if (!isMember(cell.workspace, identity.nation)) throw forbidden(`${identity.nation} is not a member of this cell.`);
  return { cell, participant: participantOf(identity).participant };
}

export async function auditFor(ctx: Context, identity: Identity, workspaceId: string, query: Request['query']) {
  const { cell, participant } = await memberCell(ctx, identity, workspaceId);
  if (!identity.roles.some((role) => role === 'fdo' || role === 'admin')) {
    throw forbidden('Only foreign disclosure officers and administrators may read the audit trail.');
  }
  const page = auditQuery.safeParse(query);
  if (!page.success) throw new TearlineError('bad_request', 'afterSeq and limit must be whole numbers (limit up to 1000).');
  const entries = await ctx.audit.listForWorkspace(cell.workspace.id, page.data);
  return {
    entries: auditEntriesVisibleTo(entries, {
      workspaceId: cell.workspace.id,
      canSeeObject: (id) => cell.index.canSee(participant, id),
    }),
    // Where the next page starts: past entries read but not shown too, so a page of entries the
    // caller may not see never stops the paging (and the count of hidden ones is not revealed).
    nextAfterSeq: entries.at(-1)?.seq ?? page.data.afterSeq ?? 0,
  };
}

export async function figuresFor(ctx: Context, identity: Identity, workspaceId: string): Promise<{ figures: SharingFigures }> {
  const { cell, participant } = await memberCell(ctx, identity, workspaceId);
  const objects: FigureObject[] = [];
  for (const { envelope } of cell.index.all()) {
    if (!cell.index.canSee(participant, envelope.id)) continue;
    const doc = new Y.Doc({ guid: envelope.id });
    Y.applyUpdate(doc, (await ctx.docs.encodeState(envelope.id)).update);
    const parent = envelope.parentId ? cell.index.get(envelope.parentId) : undefined;
    objects.push({
      marking: envelope.marking,
      originator: envelope.originator,
      textLength: visibleText(doc).length,
      ...(parent ? { parentMarkings: [parent.envelope.marking] } : {}),
    });
    doc.destroy();
  }
  const requests = (await ctx.releaseStore.listForWorkspace(cell.workspace.id)).filter((r) => cell.index.canSee(participant, r.objectId));
  return {
    figures: sharingFigures({ partners: [...memberNations(cell.workspace)], objects, requests, policy: cell.policy }),
  };
}
