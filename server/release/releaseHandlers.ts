// The release workflow on the socket: requests, decisions, the inbox, tearlines, and the
// notifications that tell requesters and FDOs, never anyone who may not see the object.
import { formatBanner } from '../../shared/markings';
import type { AckBodies, ClientPayload, Envelope } from '../../shared/protocol';
import type { Context, SessionData } from '../context';
import { forbidden, noSuchRequest, TearlineError } from '../errors';
import { applyRemark, prepareObject, storeObjects } from '../objects/objectHandlers';
import { workspaceRoom } from '../rooms/roomNames';
import { joinedCell, visibleObject, requireRole } from '../sessions/guards';
import type { NotifyEffect, ReleaseService, RemarkEffect } from './service';
import { createReleaseService } from './service';
import { autoReleaseOptInRefusal, withAutoReleaseNation } from './policy';
import type { DeadlineScheduler } from './scheduler';
import { tearlinePayload } from './tearline';
import type { Cell } from '../workspaces/cellRegistry';

export type Releases = ReleaseService<SessionData>;

export function createReleases(ctx: Context, scheduler: Pick<DeadlineScheduler, 'wake'>): Releases {
  return createReleaseService<SessionData>({
    store: ctx.releaseStore,
    audit: ctx.audit,
    scheduler,
    actorOf: (session) => ({
      sub: session.identity.sub,
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
      const cell = envelope && (await ctx.cells.get(envelope.workspaceId));
      if (!cell) throw new TearlineError('not_found', 'No such object in this cell.');
      await remarkOrUndo(ctx, cell, effect, { requestId: effect.requestId });
    },
    notify(effect) {
      notify(ctx, effect).catch((err: unknown) => ctx.log.error({ err }, 'release notification failed'));
    },
  });
}

/**
 * Carries out a release's re-mark, or leaves the object as it was: a re-mark that throws before
 * its envelope is stored has changed nothing (a new epoch replaces the live docs only once it is
 * stored). Once the new marking is stored the release stands, and a later fault (its
 * announcement) is only logged.
 */
export async function remarkOrUndo(ctx: Context, cell: Cell, effect: RemarkEffect, detail: Record<string, string>): Promise<void> {
  try {
    await applyRemark(ctx, cell, effect.objectId, effect.marking, effect.actor, detail);
  } catch (err) {
    ctx.log.error({ err, requestId: effect.requestId, objectId: effect.objectId }, 'release re-mark failed');
    if (cell.index.get(effect.objectId)?.envelope.marking === formatBanner(effect.marking, cell.policy)) return;
    throw err;
  }
}

/** Sends `release:changed` to the targeted sockets that may see the object, on any node. */
async function notify(ctx: Context, { to, request }: NotifyEffect): Promise<void> {
  const cell = await ctx.cells.get(request.workspaceId);
  if (!cell) return;
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

export async function requestRelease(
  ctx: Context,
  session: SessionData,
  payload: ClientPayload<'release:request'>,
): Promise<AckBodies['release:request']> {
  await joinedCell(ctx, session, payload.workspaceId);
  const request = await ctx.releases.request(session, {
    workspaceId: payload.workspaceId,
    objectId: payload.id,
    targetMarking: payload.marking,
    justification: payload.justification,
  });
  return { request };
}

export async function decideRelease(
  ctx: Context,
  session: SessionData,
  payload: ClientPayload<'release:decide'>,
): Promise<AckBodies['release:decide']> {
  const cell = await joinedCell(ctx, session, payload.workspaceId);
  const existing = await ctx.releaseStore.get(payload.requestId);
  // A request about an object the caller may not see does not exist for them, whatever its state
  // or whoever may decide it: one answer, checked before anything that depends on the request.
  if (existing?.workspaceId !== cell.workspace.id || !cell.index.canSee(session.participant, existing.objectId)) throw noSuchRequest();
  const decision =
    payload.decision === 'deny' ? { type: 'deny' as const, reason: payload.reason ?? '' } : { type: payload.decision };
  return { request: await ctx.releases.decide(session, payload.requestId, decision) };
}

export async function listReleases(
  ctx: Context,
  session: SessionData,
  payload: ClientPayload<'release:list'>,
): Promise<AckBodies['release:list']> {
  const cell = await joinedCell(ctx, session, payload.workspaceId);
  const [inbox, mine, failed] = await Promise.all([
    ctx.releases.inbox(session, cell.workspace.id),
    ctx.releases.mine(session, cell.workspace.id),
    ctx.releases.failures(session, cell.workspace.id),
  ]);
  // One's own requests about objects since narrowed away stay hidden like the objects.
  return { inbox, mine: mine.filter((r) => cell.index.canSee(session.participant, r.objectId)), failed };
}

export async function createTearline(
  ctx: Context,
  session: SessionData,
  payload: ClientPayload<'tearline:create'>,
): Promise<AckBodies['tearline:create']> {
  const cell = await joinedCell(ctx, session, payload.workspaceId);
  const source = visibleObject(cell, session, payload.sourceId);
  requireRole(session, 'editor', 'create tearlines');
  const live = await ctx.docs.open(source.envelope.id);
  // The tearline keeps the source's originator: only that nation's FDO may ever release it.
  const tearline = prepareObject(cell, session, tearlinePayload(source.envelope, live.doc), {
    sourceId: source.envelope.id,
    originator: source.envelope.originator,
  });
  // A report's body is its portions: each one the creator may see is copied under the new report,
  // in order, with its own marking and originator, to be sanitised and released like the rest.
  const copies = [tearline];
  if (source.envelope.kind === 'report') {
    for (const child of cell.index.visibleChildren(session.participant, source.envelope.id)) {
      const childDoc = await ctx.docs.open(child.envelope.id);
      const payload = { ...tearlinePayload(child.envelope, childDoc.doc), parentId: tearline.envelope.id, orderKey: child.envelope.orderKey };
      copies.push(prepareObject(cell, session, payload, { sourceId: child.envelope.id, originator: child.envelope.originator, parent: tearline.envelope }));
    }
  }
  // The report and its portions are stored together: a failure leaves no half-copied tearline.
  const [object, ...portions] = await storeObjects(ctx, cell, session, copies);
  return { object: object!, portions };
}

/**
 * An FDO opts their own nation's material in to automatic release at the deadline in this cell, or
 * out again. Only their own nation (from the token): another nation's material is never theirs to
 * release. Audited; every member's open session is told the cell's new settings.
 */
export async function setReleasePolicy(
  ctx: Context,
  session: SessionData,
  payload: ClientPayload<'release:policy'>,
): Promise<AckBodies['release:policy']> {
  const cell = await joinedCell(ctx, session, payload.workspaceId);
  const nation = session.participant.nation;
  const refusal = autoReleaseOptInRefusal({ nation, roles: session.identity.roles }, nation);
  if (refusal) throw forbidden(refusal);
  if (cell.workspace.releasePolicy.autoReleaseNations.includes(nation) === payload.autoRelease) return { workspace: cell.workspace };
  const workspace = await ctx.store.updateWorkspace(cell.workspace.id, (stored) => ({
    ...stored,
    releasePolicy: withAutoReleaseNation(stored.releasePolicy, nation, payload.autoRelease),
  }));
  if (!workspace) throw new TearlineError('not_found', 'No such cell.');
  cell.workspace = workspace;
  await ctx.audit.append({
    workspaceId: workspace.id,
    actor: { sub: session.identity.sub, nation },
    action: 'release.policy',
    detail: { nation, autoRelease: payload.autoRelease },
  });
  ctx.io.to(workspaceRoom(workspace.id)).emit('workspace:changed', workspace);
  return { workspace };
}
