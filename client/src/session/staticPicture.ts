// The FDO's "view as <partner>" picture: the objects the server computed for that level, with
// their content copied from the FDO's own docs, held read-only (no sink: no stray edit is sent).
import type { Envelope, WorkspaceSummary } from '../../../shared/protocol';
import type { LocalDocState } from './connection';
import type { Picture, PictureSnapshot } from './picture';
import { PresenceStore } from './presenceStore';
import { ObjectReplica } from './replica';

export class StaticPicture implements Picture {
  readonly editable = false;
  readonly presence = new PresenceStore();
  private readonly snapshot: PictureSnapshot;
  private readonly replicas = new Map<string, ObjectReplica>();

  constructor(workspace: WorkspaceSummary, level: string, objects: Envelope[], docs: LocalDocState[]) {
    for (const doc of docs) this.replicas.set(doc.id, new ObjectReplica(doc.id, doc.epoch, doc.update, null));
    this.snapshot = { status: 'live', workspace, level, objects, notices: [], shownFrom: null };
  }

  subscribe(): () => void {
    return () => undefined;
  }

  getSnapshot = (): PictureSnapshot => this.snapshot;

  replica(id: string): ObjectReplica | undefined {
    return this.replicas.get(id);
  }

  destroy(): void {
    for (const replica of this.replicas.values()) replica.destroy();
    this.replicas.clear();
  }
}
