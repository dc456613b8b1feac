// Read-only views of a cell for its members: the audit trail (FDOs and admins) and the sharing
// figures. Both cover only objects the caller may see now: counts are information too.
import type { Request } from 'express';
import { z } from 'zod';
import * as Y from 'yjs';
import { visibleText } from '../../../shared/content';
import type { Participant } from '../../../shared/markings';
import { AUDIT_PAGE_MAX, AUDIT_PERSON_FIELDS, type AuditPerson, type AuditView, type RestAnswers } from '../../../shared/rest';
import type { AuditCursors } from '../../audit/cursor';
import { mayReadMarking, visibleAuditPage } from '../../audit/visibility';
import type { Identity } from '../../auth/verifier';
import type { Context } from '../context';
import { forbidden, noSuchCell, TearlineError } from '../../errors';
import { seated } from '../../exercise/leadership';
import { sharingFigures, type FigureObject } from '../../figures/sharingFigures';
import { participantOf } from '../../sessions/identity';
import type { Cell } from '../../workspaces/cellRegistry';
import { memberNations } from '../../../shared/membership';
import { line } from '../../../shared/text';

const auditQuery = z.object({
  after: line().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
});

const WITHHELD_REASON = 'Reason not shown: given while the object was not releasable to you';

/**
 * The cell, for a member of it: as for the socket events, an exercise participant whose join
 * inject is still to come (or anyone while this node cannot tell) is answered as a non-member,
 * word for word the answer for a cell that does not exist.
 */
export async function memberCell(ctx: Context, identity: Identity, workspaceId: string): Promise<{ cell: Cell; participant: Participant }> {
  const cell = await ctx.cells.forMember(workspaceId, identity.nation);
  if (!(await seated(ctx, cell.workspace, identity.sub))) throw noSuchCell();
  return { cell, participant: participantOf(identity).participant };
}

/**
 * Whether every object an answer was read from is still as it was read: visible to the caller,
 * under the same marking. A re-mark (made here, or relayed from another node) may land while the
 * answer's docs are read; such an answer is not given (fail closed), the caller asks again.
 */
export function unchangedSince(cell: Cell, participant: Participant, read: readonly { id: string; marking: string }[]): void {
  const changed = read.some(({ id, marking }) => cell.index.get(id)?.envelope.marking !== marking || !cell.index.canSee(participant, id));
  if (changed) throw new TearlineError('conflict', 'What you asked for was re-marked while it was being read, so it was not given; ask again.');
}

/**
 * One page of the audit trail as the caller may see it (server/audit/visibility.ts), each entry
 * with the opaque cursor to read on after it; `next` is where the following page starts.
 */
export async function auditFor(
  ctx: Context,
  cursors: AuditCursors,
  identity: Identity,
  workspaceId: string,
  query: Request['query'],
): Promise<RestAnswers['GET /api/workspaces/:id/audit']> {
  const { cell, participant } = await memberCell(ctx, identity, workspaceId);
  if (!identity.roles.some((role) => role === 'fdo' || role === 'admin' || role === 'excon')) {
    throw forbidden('Only foreign disclosure officers, administrators and exercise control may read the audit trail.');
  }
  const page = auditQuery.safeParse(query);
  if (!page.success) throw new TearlineError('bad_request', `limit must be a whole number up to ${AUDIT_PAGE_MAX}, and after a cursor from an earlier page.`);
  const { after, limit = AUDIT_PAGE_MAX } = page.data;
  const afterSeq = after === undefined ? 0 : cursors.decode(cell.workspace.id, after);
  const requests = new Map((await ctx.releaseStore.listForWorkspace(cell.workspace.id)).map((r) => [r.id, r.fromMarking]));
  const shown = await visibleAuditPage(
    ctx.audit,
    {
      workspaceId: cell.workspace.id,
      participant,
      policy: cell.policy,
      visibleObject: (id) => cell.index.auditedObject(participant, id),
      requestedFrom: (id) => requests.get(id),
      excon: identity.roles.includes('excon'),
    },
    afterSeq,
    limit,
  );
  const named = shown.map(({ entry }) => ({ actor: entry.actor.nation === null ? undefined : entry.actor.sub, detail: personSubs(entry.detail) }));
  const people = await peopleOf(ctx, cell.workspace.id, named.flatMap(({ actor, detail }) => (actor === undefined ? detail : [actor, ...detail])));
  const entries = shown.map(({ seq, entry }, i) => ({
    ...entry,
    actorName: people.get(named[i]!.actor ?? '')?.name ?? null,
    people: Object.fromEntries(named[i]!.detail.flatMap((sub) => (people.has(sub) ? [[sub, people.get(sub)!] as const] : []))),
    cursor: cursors.encode(cell.workspace.id, seq),
  }));
  return { entries, next: entries.at(-1)?.cursor ?? after ?? null };
}

/** The account ids a detail names in its person fields (AUDIT_PERSON_FIELDS). */
function personSubs(detail: AuditView['detail']): string[] {
  return AUDIT_PERSON_FIELDS.flatMap((field) => (typeof detail[field] === 'string' ? [detail[field]] : []));
}

/** Names and nations of a page's people, as each last opened the cell (the server itself has none). */
async function peopleOf(ctx: Context, workspaceId: string, subs: readonly string[]): Promise<Map<string, AuditPerson>> {
  const people = await Promise.all([...new Set(subs)].map(async (sub) => [sub, await ctx.notificationStore.person(workspaceId, sub)] as const));
  return new Map(people.flatMap(([sub, person]) => (person ? [[sub, { name: person.name, nation: person.participant.nation }] as const] : [])));
}

export async function figuresFor(ctx: Context, identity: Identity, workspaceId: string): Promise<RestAnswers['GET /api/workspaces/:id/figures']> {
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
  const reader = { participant, policy: cell.policy };
  const requests = (await ctx.releaseStore.listForWorkspace(cell.workspace.id))
    .filter((r) => cell.index.canSee(participant, r.objectId))
    // A denial's reason was written for those who could see the object as it was requested.
    .map((r) => (r.state === 'denied' && !mayReadMarking(r.fromMarking, r.originator, reader) ? { ...r, reason: WITHHELD_REASON } : r));
  return {
    figures: sharingFigures({ partners: [...memberNations(cell.workspace, cell.policy)], objects, requests, policy: cell.policy }),
  };
}
