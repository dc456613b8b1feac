// doc:sync and doc:update: reading and writing an object's content. An update is checked, made
// durable, applied, then acknowledged and fanned out, in that order: readers get durable content only.
import { BINARY_SYNC_MAX_DOCS, type AckBodies, type DocState } from '../../shared/protocol';
import { TearlineError } from '../errors';
import { afterWrite } from './comments';
import { auditMove } from '../objects/moves';
import { encodeBytes, encodeSharedBytes } from '../sessions/encoding';
import { auditActor } from '../sessions/session';
import type { Context } from './context';
import { event } from './events';
import { noteRfiAnswer } from './exercise';
import { directWriteRefusal } from '../suggestions/rules';

export const syncDocs = event('doc:sync')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, payload, cell }) => {
    if (session.encoding === 'binary' && payload.docs.length > BINARY_SYNC_MAX_DOCS) {
      throw new TearlineError(
        'bad_request',
        `Ask for at most ${BINARY_SYNC_MAX_DOCS} docs per doc:sync on a binary socket (socket.io clients refuse more attachments), or connect with auth.encoding "base64".`,
      );
    }
    const docs: DocState[] = [];
    const missing: string[] = [];
    const unavailable: NonNullable<AckBodies['doc:sync']['unavailable']> = [];
    const visible: typeof payload.docs = [];
    for (const request of payload.docs) {
      // Absent and not-releasable are reported alike, in `missing`.
      if (cell.index.canSee(session.participant, request.id)) visible.push(request);
      else missing.push(request.id);
    }
    // Several nodes: a doc this reader is ahead of is first caught up from the store (server/relay/readGate.ts).
    const catchingUp = ctx.readGate?.caughtUp(cell, visible);
    if (catchingUp) await catchingUp;
    // Read together: the docs not in memory come from the store in one read.
    const states = await Promise.allSettled(ctx.docs.encodeStates(visible));
    for (const [i, request] of visible.entries()) {
      const state = states[i]!;
      if (state.status === 'fulfilled') {
        const { epoch, update, shared, seq } = state.value;
        docs.push({ id: request.id, epoch, update: shared ? encodeSharedBytes(session.encoding, update) : encodeBytes(session.encoding, update), seq });
        continue;
      }
      const unreadable = await unreadableContent(ctx, request.id, state.reason);
      if (!unreadable) throw state.reason;
      ctx.log.error({ err: unreadable, objectId: request.id }, 'stored content of an object cannot be read');
      unavailable.push({ id: request.id, error: unreadable.toJSON() });
    }
    return unavailable.length > 0 ? { docs, missing, unavailable } : { docs, missing };
  });

/**
 * Whether `error`, met while reading one object, means its stored content cannot be read (and so
 * that object alone is answered `unavailable`), rather than a fault of the request. A doc not in
 * memory is read straight from the store; loading it tells which.
 */
async function unreadableContent(ctx: Context, id: string, error: unknown): Promise<TearlineError | undefined> {
  if (error instanceof TearlineError) return error.code === 'unavailable' ? error : undefined;
  try {
    await ctx.docs.open(id);
    return undefined;
  } catch (loadError) {
    return loadError instanceof TearlineError && loadError.code === 'unavailable' ? loadError : undefined;
  }
}

export const updateDoc = event('doc:update')
  .checks({ cell: 'joined', object: (p) => p.id, role: { is: 'editor', to: 'edit objects' } })
  .handle(async ({ ctx, socket, session, payload, cell, object, release }) => {
      const refusal = directWriteRefusal(cell.workspace, object.envelope, session.participant.nation);
      if (refusal) throw refusal;
      const receivedAt = performance.now();
      // Once the update has its place in the doc's order, this socket's next message may start.
      const checked = await ctx.docs.update(payload.id, payload.epoch, payload.update, session.identity.sub, release);
      ctx.metrics.updates.inc();
      ctx.fanout.update(cell, payload.id, payload.epoch, payload.update, socket.id, receivedAt, { from: checked.seq, to: checked.seq });
      const { envelope } = object;
      // Each follow-up is a promise only when there is work to wait for.
      const moved = auditMove(ctx.audit, { workspaceId: cell.workspace.id, objectId: payload.id, kind: envelope.kind, marking: envelope.marking, written: checked.values, actor: auditActor(session) });
      if (moved) await moved;
      if (cell.workspace.exercise && envelope.kind === 'rfi') await noteRfiAnswer(ctx, cell.workspace.id, payload.id, session);
      const followUp = afterWrite(ctx, session, envelope, checked.values);
      if (followUp) await followUp;
      // Its number: the fan-out does not echo the update back to its only sender.
      return { seq: checked.seq };
    });
