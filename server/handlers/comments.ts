// comment:create, rfi:answer, notifications:list and notifications:read. A comment (an answer is a
// comment-kind object too) is planned and checked in
// server/comments/plan.ts, stored like any object (rooms, audit), then the people it mentions or
// answers are told (server/notifications/), each only if they may read it.
import { createObjects } from '../objects/create';
import { envelopeForLevel } from '../objects/envelopeView';
import { checkMentions, planAnswer, planComment, threadChange } from '../comments/plan';
import { answerNotifications, commentNotifications, rfiNotifications } from '../notifications/plan';
import type { Reader } from '../notifications/store';
import { createNotifier, type Notifier } from '../notifications/service';
import { workspaceRoom } from '../rooms/roomNames';
import { auditActor, type SessionData } from '../sessions/session';
import type { Envelope } from '../../shared/protocol';
import type { Context } from './context';
import { event } from './events';
import { recordRfiAnswer } from './exercise';
import { authorOf, creation } from './objects';

/** The targets a session's person belongs to. */
export function readerOf(session: SessionData): Reader {
  return { sub: session.identity.sub, nation: session.participant.nation, fdo: session.identity.roles.includes('fdo') };
}

/** The notifier of a node: it tells the sockets that joined the cell, on any node (fetchSockets). */
export function createNotifierFor(ctx: Context): Notifier {
  return createNotifier({
    store: ctx.notificationStore,
    index: async (workspaceId) => (await ctx.cells.get(workspaceId))?.index,
    async listeners(workspaceId) {
      const sockets = await ctx.io.in(workspaceRoom(workspaceId)).fetchSockets();
      return sockets.map((socket) => ({
        reader: readerOf(socket.data),
        participant: socket.data.participant,
        emit: (notification) => socket.emit('notification', notification),
      }));
    },
  });
}

export const createComment = event('comment:create')
  .checks({ cell: 'joined', object: (p) => p.onId, role: { is: 'editor', to: 'comment' } })
  .handle(async ({ ctx, session, payload, cell, object: on }) => {
    const planned = planComment(cell, authorOf(session), payload, on);
    const chain = [cell.index.markingOf(planned.envelope), ...cell.index.chain(on.envelope.id)];
    const people = new Map(
      await Promise.all(
        payload.mentions.flatMap((m) => (m.kind === 'person' ? [m.sub] : [])).map(async (sub) => [sub, await ctx.notificationStore.person(cell.workspace.id, sub)] as const),
      ),
    );
    checkMentions(cell, chain, payload.mentions, people);
    await createObjects(creation(ctx), cell, auditActor(session), [planned]);
    const actor = { name: session.identity.name, nation: session.participant.nation };
    const repliedTo = on.envelope.kind === 'comment' ? on.envelope : undefined;
    await ctx.notifier.send(commentNotifications(planned.envelope, payload.mentions, repliedTo, actor, new Date()));
    return { object: envelopeForLevel(cell.index, planned.envelope, session.level) };
  });

export const answerRfi = event('rfi:answer')
  .checks({ cell: 'joined', object: (p) => p.rfiId, role: { is: 'editor', to: 'answer a request for information' } })
  .handle(async ({ ctx, session, payload, cell, object: rfi }) => {
    const planned = planAnswer(cell, authorOf(session), payload, rfi);
    await createObjects(creation(ctx), cell, auditActor(session), [planned]);
    const actor = { name: session.identity.name, nation: session.participant.nation };
    await ctx.notifier.send(answerNotifications(planned.envelope, rfi.envelope, actor, new Date()));
    if (cell.workspace.exercise) await recordRfiAnswer(ctx, cell.workspace.id, rfi.envelope.id, session);
    return { object: envelopeForLevel(cell.index, planned.envelope, session.level) };
  });

export const listNotifications = event('notifications:list')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, cell }) => ({
    notifications: await ctx.notifier.list(cell.workspace.id, cell.index, readerOf(session), session.participant),
  }));

export const readNotifications = event('notifications:read')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, payload }) => {
    await ctx.notifier.markRead(session.identity.sub, payload.ids);
    return {};
  });

/**
 * What a durable write means besides its content: a thread resolved or reopened (audited), an
 * RFI assigned or answered (its nations told). Read from the values the update check found. The
 * work's promise, or undefined when the write means nothing more (most edits: awaiting nothing
 * would still cost the edit path a microtask).
 */
export function afterWrite(ctx: Context, session: SessionData, envelope: Envelope, written: ReadonlyMap<string, unknown>): Promise<void> | undefined {
  const thread = threadChange(envelope.kind, written);
  const actor = { name: session.identity.name, nation: session.participant.nation };
  const notifications = rfiNotifications(envelope, written, actor, new Date());
  if (!thread && notifications.length === 0) return undefined;
  return (async () => {
    if (thread) await ctx.audit.append({ workspaceId: envelope.workspaceId, actor: auditActor(session), action: thread, objectId: envelope.id, detail: {} });
    await ctx.notifier.send(notifications);
  })();
}
