// suggestion:create, suggestion:decide and workspace:settings. A suggestion is planned in
// server/suggestions/plan.ts and stored like any object (rooms, audit); the paragraph's nation is
// told. Accepting applies its changes to the paragraph as a new edit written as the suggester
// (server/objects/writeAs.ts), then, accepted or rejected, the suggestion leaves every client
// under a tombstone with the decision audited, and the suggester is told.
import { bodyOf, fieldsOf } from '../../shared/content';
import type { WorkspaceSummary } from '../../shared/protocol';
import { applySteps } from '../../shared/suggestions';
import { TearlineError } from '../errors';
import { envelopeForLevel } from '../objects/envelopeView';
import { createObjects } from '../objects/create';
import { removeObject } from '../objects/deletion';
import { writeAs } from '../objects/writeAs';
import { suggestionNotifications } from '../notifications/plan';
import { workspaceRoom } from '../rooms/roomNames';
import { auditActor, type SessionData } from '../sessions/session';
import { checkStillReleasable, opsOf, planSuggestion, stepsFor } from '../suggestions/plan';
import { decisionRefusal, settingsRefusal } from '../suggestions/rules';
import { deletionPorts } from './deletion';
import type { Context } from './context';
import { event } from './events';
import { authorOf, creation } from './objects';

function actorOf(session: SessionData) {
  return { sub: session.identity.sub, name: session.identity.name, nation: session.participant.nation };
}

export const createSuggestion = event('suggestion:create')
  .checks({ cell: 'joined', object: (p) => p.onId, role: { is: 'editor', to: 'suggest changes' } })
  .handle(async ({ ctx, session, payload, cell, object: on }) => {
    const { doc } = await ctx.docs.open(on.envelope.id);
    const planned = planSuggestion(cell, authorOf(session), payload, on, bodyOf(doc));
    await createObjects(creation(ctx), cell, auditActor(session), [planned]);
    await ctx.notifier.send(suggestionNotifications(on.envelope, planned.envelope, null, actorOf(session), new Date()));
    return { object: envelopeForLevel(cell.index, planned.envelope, session.level) };
  });

export const decideSuggestion = event('suggestion:decide')
  .checks({ cell: 'joined', object: (p) => p.id, role: { is: 'editor', to: 'decide on suggestions' } })
  .handle(async ({ ctx, session, payload, cell, object }) => {
    const suggestion = object.envelope;
    if (suggestion.kind !== 'suggestion') throw new TearlineError('bad_request', 'Only a suggestion is accepted or rejected.');
    const refusal = decisionRefusal(suggestion, { sub: session.identity.sub, nation: session.participant.nation }, payload.decision);
    if (refusal) throw refusal;
    // A suggestion's parent is its paragraph, seen by whoever sees the suggestion (the chain rule).
    const paragraph = cell.index.get(suggestion.parentId!)!.envelope;
    const accept = payload.decision === 'accept';
    if (accept) {
      checkStillReleasable(cell, suggestion, paragraph);
      const ops = opsOf(fieldsOf((await ctx.docs.open(suggestion.id)).doc));
      // Written as the suggester: the paragraph's history names who wrote the text.
      await writeAs({ docs: ctx.docs, fanout: ctx.fanout }, cell, paragraph.id, suggestion.createdBy, (doc) => {
        const body = bodyOf(doc);
        applySteps(body, stepsFor(body, ops));
      });
    }
    await removeObject(deletionPorts(ctx), cell, object, auditActor(session), {
      action: accept ? 'suggestion.accept' : 'suggestion.reject',
      detail: { on: paragraph.id, author: suggestion.createdBy },
    });
    await ctx.notifier.send(suggestionNotifications(paragraph, suggestion, accept ? 'accepted' : 'rejected', actorOf(session), new Date()));
    return { applied: accept };
  });

/** The cell's creator or an administrator sets whether other nations edit paragraphs directly. Audited; every open session is told. */
export const changeSettings = event('workspace:settings')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, payload, cell }) => {
    const refusal = settingsRefusal(cell.workspace, { sub: session.identity.sub, roles: session.identity.roles });
    if (refusal) throw refusal;
    if (cell.workspace.crossNationEditing === payload.crossNationEditing) return { workspace: cell.workspace };
    const changed = async (workspace: WorkspaceSummary) => {
      await ctx.audit.append({ workspaceId: workspace.id, actor: auditActor(session), action: 'workspace.settings', objectId: null, detail: { crossNationEditing: payload.crossNationEditing } });
      ctx.io.to(workspaceRoom(workspace.id)).emit('workspace:changed', workspace);
    };
    // After an unknown commit outcome the record is read again: a change that landed is audited and told.
    const workspace = await ctx.cells.updateWorkspace(cell, (stored) => ({ ...stored, crossNationEditing: payload.crossNationEditing }), async () => {
      if (cell.workspace.crossNationEditing === payload.crossNationEditing) await changed(cell.workspace);
    });
    if (!workspace) throw new TearlineError('not_found', 'No such cell.');
    await changed(workspace);
    return { workspace };
  });
