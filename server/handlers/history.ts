// history:list, history:version and history:restore: an object's versions as the reader's level
// may see them (server/history/). The object check answers `not_found` for an object the reader
// may not see, as for an absent one; a version from before the reader's epoch is likewise absent.
import { TearlineError } from '../errors';
import { findVersion, listVersions, viewVersion, type HistoryPorts } from '../history/service';
import { rebuild } from '../history/versions';
import { restoreContent } from '../history/restore';
import { writeAs } from '../objects/writeAs';
import { auditActor } from '../sessions/session';
import type { Context } from './context';
import { event } from './events';

function historyPorts(ctx: Context): HistoryPorts {
  return { store: ctx.store, people: ctx.notificationStore };
}

export const listHistory = event('history:list')
  .checks({ cell: 'joined', object: (p) => p.id })
  .handle(async ({ ctx, session, cell, object }) => ({ versions: await listVersions(historyPorts(ctx), cell, session.participant, object) }));

export const viewHistory = event('history:version')
  .checks({ cell: 'joined', object: (p) => p.id })
  .handle(async ({ ctx, session, payload, cell, object }) => {
    const version = await findVersion(historyPorts(ctx), cell, session.participant, object, payload.version);
    return { view: await viewVersion(historyPorts(ctx), cell, version) };
  });

export const restoreHistory = event('history:restore')
  .checks({ cell: 'joined', object: (p) => p.id, role: { is: 'editor', to: 'restore earlier versions' } })
  .handle(async ({ ctx, session, payload, cell, object }) => {
    const version = await findVersion(historyPorts(ctx), cell, session.participant, object, payload.version);
    if (version.epoch !== object.envelope.epoch) {
      // Content from before a release was written for a narrower audience: putting it back would
      // hand it to those the release added without an FDO deciding it.
      throw new TearlineError('forbidden', 'Only versions since this item was last released can be restored; ask your FDO to release earlier content.');
    }
    const { doc: target } = rebuild(version);
    try {
      await writeAs({ docs: ctx.docs, fanout: ctx.fanout }, cell, payload.id, session.identity.sub, (doc) => restoreContent(doc, target));
    } finally {
      target.destroy();
    }
    await ctx.audit.append({
      workspaceId: cell.workspace.id,
      actor: auditActor(session),
      action: 'history.restore',
      objectId: payload.id,
      detail: { marking: object.envelope.marking, version: payload.version },
    });
    return {};
  });
