// The release workflow on the socket: requests, decisions, the inbox, tearlines, and the
// notifications that tell requesters and FDOs, never anyone who may not see the object.
import type { WorkspaceSummary } from '../../shared/protocol';
import { forbidden, TearlineError } from '../errors';
import { checkCommentWithinParent } from '../comments/plan';
import { createObjects, planObject } from '../objects/create';
import { envelopeForLevel } from '../objects/envelopeView';
import { releaseNotifications } from '../notifications/plan';
import { carryOutRelease } from '../release/carryOut';
import { autoReleaseOptInRefusal, withAutoReleaseNation } from '../release/policy';
import type { DeadlineScheduler } from '../release/scheduler';
import { createReleaseService, type NotifyEffect } from '../release/service';
import { tearlinePayload } from '../release/tearline';
import { workspaceRoom } from '../rooms/roomNames';
import { auditActor, type SessionData } from '../sessions/session';
import { checkMarkingForCell } from '../workspaces/workspaceService';
import type { Context, Releases } from './context';
import { event } from './events';
import { authorOf, creation } from './objects';

export function createReleases(ctx: Context, scheduler: Pick<DeadlineScheduler, 'wake'>): Releases {
  return createReleaseService<SessionData>({
    store: ctx.releaseStore,
    audit: ctx.audit,
    scheduler,
    actorOf: (session) => ({
      ...auditActor(session),
      name: session.identity.name,
      nation: session.participant.nation,
      roles: session.identity.roles,
    }),
    async load(workspaceId, objectId, session) {
      const cell = await ctx.cells.get(workspaceId);
      if (!cell) return undefined;
      return {
        cell,
        object: cell.index.get(objectId),
        actorCanSee: session ? cell.index.canSee(session.participant, objectId) : true,
      };
    },
    async remark(effect) {
      const envelope = await ctx.store.getObject(effect.objectId);
      if (!envelope) throw new TearlineError('not_found', 'No such object in this cell.');
      // The release is carried out on the cell as it is in memory now: held until it is done.
      await ctx.cells.using(envelope.workspaceId, async () => {
        const cell = await ctx.cells.get(envelope.workspaceId);
        if (!cell) throw new TearlineError('not_found', 'No such object in this cell.');
        // Checked again at approval: what the comment is on may have narrowed since the request.
        const object = cell.index.get(effect.objectId);
        if (object?.envelope.kind === 'comment') checkCommentWithinParent(cell, object, effect.marking);
        await carryOutRelease(ctx, cell, effect, { requestId: effect.requestId });
      });
    },
    notify(effect) {
      // Filtered with the cell's index: held, so that index is kept current until the sockets are told.
      ctx.cells.using(effect.request.workspaceId, () => notify(ctx, effect)).catch((err: unknown) => ctx.log.error({ err }, 'release notification failed'));
    },
  });
}

/**
 * Sends `release:changed` to the targeted sockets that may see the object, on any node, and
 * stores the notifications it causes (server/notifications/plan.ts) for the notification centre.
 */
async function notify(ctx: Context, { to, request }: NotifyEffect): Promise<void> {
  const cell = await ctx.cells.get(request.workspaceId);
  if (!cell) return;
  await ctx.notifier.send(releaseNotifications(cell.index, to, request, new Date()));
  const sockets = await ctx.io.in(workspaceRoom(request.workspaceId)).fetchSockets();
  for (const socket of sockets) {
    const { identity, participant } = socket.data;
    const targeted =
      to.kind === 'participant'
        ? identity.sub === to.sub
        : identity.roles.includes('fdo') && participant.nation === to.nation;
    if (targeted && cell.index.canSee(participant, request.objectId)) socket.emit('release:changed', request);
  }
}

export const requestRelease = event('release:request')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, payload, cell }) => {
    // A comment released wider than what it is on would let its new readers see it without its
    // parent; refused before a request exists. Only for objects the requester sees.
    const object = cell.index.canSee(session.participant, payload.id) ? cell.index.get(payload.id) : undefined;
    if (object?.envelope.kind === 'comment') checkCommentWithinParent(cell, object, { ...checkMarkingForCell(cell.workspace, payload.marking), originator: object.envelope.originator });
    const request = await ctx.releases.request(session, {
      workspaceId: payload.workspaceId,
      objectId: payload.id,
      targetMarking: payload.marking,
      justification: payload.justification,
    });
    return { request };
  });

export const decideRelease = event('release:decide')
  .checks({ cell: 'joined', request: (p) => p.requestId })
  .handle(async ({ ctx, session, payload, request }) => {
    const decision = payload.decision === 'deny' ? { type: 'deny' as const, reason: payload.reason ?? '', category: payload.category } : { type: payload.decision };
    return { request: await ctx.releases.decide(session, request.id, decision) };
  });

export const listReleases = event('release:list')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, cell }) => {
    const [inbox, mine, failed] = await Promise.all([
      ctx.releases.inbox(session, cell.workspace.id),
      ctx.releases.mine(session, cell.workspace.id),
      ctx.releases.failures(session, cell.workspace.id),
    ]);
    // One's own requests about objects since narrowed away stay hidden like the objects.
    return { inbox, mine: mine.filter((r) => cell.index.canSee(session.participant, r.objectId)), failed };
  });

export const createTearline = event('tearline:create')
  .checks({ cell: 'joined', object: (p) => p.sourceId, role: { is: 'editor', to: 'create tearlines' } })
  .handle(async ({ ctx, session, cell, object: source }) => {
    if (source.envelope.kind === 'suggestion') {
      throw new TearlineError('bad_request', 'A suggestion has no tearline: once it is accepted into its paragraph, make a tearline of the paragraph.');
    }
    const author = authorOf(session);
    const live = await ctx.docs.open(source.envelope.id);
    // The tearline keeps the source's originator: only that nation's FDO may ever release it.
    const tearline = planObject(cell, author, tearlinePayload(source.envelope, live.doc), {
      sourceId: source.envelope.id,
      originator: source.envelope.originator,
      ...(source.envelope.parentId ? { parent: cell.index.get(source.envelope.parentId)!.envelope } : {}),
    });
    // A report's body is its portions: each one the creator may see is copied under the new report,
    // in order, with its own marking and originator, to be sanitised and released like the rest.
    const copies = [tearline];
    if (source.envelope.kind === 'report') {
      for (const child of cell.index.visibleChildren(session.participant, source.envelope.id)) {
        const childDoc = await ctx.docs.open(child.envelope.id);
        const payload = { ...tearlinePayload(child.envelope, childDoc.doc), parentId: tearline.envelope.id, orderKey: child.envelope.orderKey };
        copies.push(planObject(cell, author, payload, { sourceId: child.envelope.id, originator: child.envelope.originator, parent: tearline.envelope }));
      }
    }
    // The report and its portions are stored together: a failure leaves no half-copied tearline.
    await createObjects(creation(ctx), cell, auditActor(session), copies);
    const [object, ...portions] = copies.map(({ envelope }) => envelopeForLevel(cell.index, envelope, session.level));
    return { object: object!, portions };
  });

/**
 * An FDO opts their own nation's material in to automatic release at the deadline in this cell, or
 * out again. Only their own nation (from the token): another nation's material is never theirs to
 * release. Audited; every member's open session is told the cell's new settings.
 */
export const setReleasePolicy = event('release:policy')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, payload, cell }) => {
    const nation = session.participant.nation;
    const refusal = autoReleaseOptInRefusal({ nation, roles: session.identity.roles }, nation);
    if (refusal) throw forbidden(refusal);
    if (cell.workspace.releasePolicy.autoReleaseNations.includes(nation) === payload.autoRelease) return { workspace: cell.workspace };
    const changed = async (workspace: WorkspaceSummary) => {
      await ctx.audit.append({ workspaceId: workspace.id, actor: auditActor(session), action: 'release.policy', detail: { nation, autoRelease: payload.autoRelease } });
      ctx.io.to(workspaceRoom(workspace.id)).emit('workspace:changed', workspace);
    };
    const change = (stored: WorkspaceSummary) => ({ ...stored, releasePolicy: withAutoReleaseNation(stored.releasePolicy, nation, payload.autoRelease) });
    // After an unknown commit outcome the record is read again: a change that landed is audited and told.
    const workspace = await ctx.cells.updateWorkspace(cell, change, async () => {
      if (cell.workspace.releasePolicy.autoReleaseNations.includes(nation) === payload.autoRelease) await changed(cell.workspace);
    });
    if (!workspace) throw new TearlineError('not_found', 'No such cell.');
    await changed(workspace);
    return { workspace };
  });
