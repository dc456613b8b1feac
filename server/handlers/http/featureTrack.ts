// Track history: where features were placed and moved to, when and by whom, from the server's own
// creation and move audit entries (server/objects/moves.ts), not from anything a client wrote. Each
// position is shown only if the reader may read the feature as it was marked at that moment, the
// same rule the audit trail applies, so a release never hands over where a feature was while it
// was hidden from them. One feature's track (`featureTrack`), or every visible feature's at once
// for replaying the whole picture in time (`cellTracks`).
import { AUDIT_PAGE_MAX, type AuditAction, type CellTracks, type FeatureTrack, type TrackPoint } from '../../../shared/rest';
import type { AuditEntry } from '../../audit/entry';
import { auditEntryFor, type AuditViewer } from '../../audit/visibility';
import type { Identity } from '../../auth/verifier';
import type { Participant } from '../../../shared/markings';
import type { Cell } from '../../workspaces/cellRegistry';
import type { Context } from '../context';
import { notFound } from '../../errors';
import { memberCell } from './cellReports';

/** At most this many of a feature's latest positions are returned: a trail, not an archive. */
const TRACK_MAX_POINTS = 500;

const TRACK_EVENTS: Partial<Record<AuditAction, TrackPoint['event']>> = { 'object.create': 'placed', 'tearline.create': 'placed', 'object.move': 'moved' };

type UnnamedPoint = Omit<TrackPoint, 'actorName'>;

function viewerOf(cell: Cell, participant: Participant): AuditViewer {
  return {
    workspaceId: cell.workspace.id,
    participant,
    policy: cell.policy,
    visibleObject: (id) => (cell.index.canSee(participant, id) ? cell.index.get(id)!.envelope : undefined),
    requestedFrom: () => undefined,
  };
}

/** The entry as a track point, if it is one and its position is the reader's to see. */
function pointOf(stored: AuditEntry, viewer: AuditViewer): UnnamedPoint | undefined {
  const event = TRACK_EVENTS[stored.action];
  if (!event) return undefined;
  const shown = auditEntryFor(stored, viewer);
  const to = shown?.detail.to;
  if (!shown || !Array.isArray(to) || to.length !== 2 || !to.every((n) => typeof n === 'number')) return undefined;
  return { at: shown.at, event, actor: shown.actor, position: to as [number, number] };
}

/** Names each point's actor (as they last opened the cell), looking each person up once. */
async function named(ctx: Context, workspaceId: string, tracks: UnnamedPoint[][]): Promise<TrackPoint[][]> {
  const names = new Map<string, string | null>();
  for (const track of tracks) {
    for (const { actor } of track) {
      if (actor.nation !== null && !names.has(actor.sub)) names.set(actor.sub, (await ctx.notificationStore.person(workspaceId, actor.sub))?.name ?? null);
    }
  }
  return tracks.map((track) => track.map((point) => ({ ...point, actorName: names.get(point.actor.sub) ?? null })));
}

export async function featureTrack(ctx: Context, identity: Identity, workspaceId: string, objectId: string): Promise<FeatureTrack> {
  const { cell, participant } = await memberCell(ctx, identity, workspaceId);
  const entry = cell.index.get(objectId);
  if (!entry || !cell.index.canSee(participant, objectId) || entry.envelope.kind !== 'feature') throw notFound();
  const viewer = viewerOf(cell, participant);
  const points = (await ctx.audit.listForObject(objectId)).flatMap((stored) => pointOf(stored, viewer) ?? []);
  const [track] = await named(ctx, cell.workspace.id, [points.slice(-TRACK_MAX_POINTS)]);
  return { points: track! };
}

/** Every feature the caller may see now, with its track as they may see it; features with none are left out. */
export async function cellTracks(ctx: Context, identity: Identity, workspaceId: string): Promise<CellTracks> {
  const { cell, participant } = await memberCell(ctx, identity, workspaceId);
  const viewer = viewerOf(cell, participant);
  const byFeature = new Map<string, UnnamedPoint[]>();
  for (let afterSeq = 0; ; ) {
    const page = await ctx.audit.listForWorkspace(cell.workspace.id, { afterSeq, limit: AUDIT_PAGE_MAX });
    for (const stored of page) {
      if (stored.objectId === null || cell.index.get(stored.objectId)?.envelope.kind !== 'feature') continue;
      const point = pointOf(stored, viewer);
      if (!point) continue;
      const track = byFeature.get(stored.objectId) ?? [];
      track.push(point);
      byFeature.set(stored.objectId, track);
    }
    if (page.length < AUDIT_PAGE_MAX) break;
    afterSeq = page.at(-1)!.seq;
  }
  const ids = [...byFeature.keys()];
  const tracks = await named(ctx, cell.workspace.id, ids.map((id) => byFeature.get(id)!.slice(-TRACK_MAX_POINTS)));
  return { tracks: Object.fromEntries(ids.map((id, i) => [id, tracks[i]!])) };
}
