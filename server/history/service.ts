// History as one reader may read it: only the epochs their level could see all along (a level
// that joined the audience by a release starts at that release's copy, never before it), with
// writers named as the cell knows them. A version outside that range does not exist for them.
import { canSee, type Participant } from '../../shared/markings';
import type { HistoryActor, VersionSummary, VersionView } from '../../shared/history';
import { TearlineError } from '../errors';
import type { NotificationStore } from '../notifications/store';
import type { IndexedObject } from '../objects/objectIndex';
import type { Store, StoredChain } from '../store/types';
import type { Cell } from '../workspaces/cellRegistry';
import { attributedRuns, firstVisibleEpoch, rebuild, storedVersions, summarise, textsOf, valuesOf, type StoredVersion } from './versions';

export interface HistoryPorts {
  store: Pick<Store, 'loadHistory'>;
  /** Who a writer is: their name and nation as they last joined the cell. */
  people: Pick<NotificationStore, 'person'>;
}

/** The versions of `object` (which `reader` may see: checked before) that the reader may see, oldest first. */
export async function readableVersions(ports: HistoryPorts, cell: Cell, reader: Participant, object: IndexedObject): Promise<StoredVersion[]> {
  const entries = await ports.store.loadHistory(object.envelope.id);
  const current = object.envelope.epoch;
  const from = firstVisibleEpoch(entries, current, (chain) => chainVisible(cell, reader, chain));
  return storedVersions(entries, from, current);
}

/** Whether the reader could see every marking of a stored chain; an unreadable one counts as not. */
function chainVisible(cell: Cell, reader: Participant, chain: StoredChain): boolean {
  try {
    return chain.every((link) => canSee(reader, cell.index.markingOf(link), cell.policy));
  } catch {
    return false;
  }
}

/** Names the writers of a cell, each looked up once. */
export function actorNames(ports: HistoryPorts, workspaceId: string): (sub: string) => Promise<HistoryActor> {
  const known = new Map<string, Promise<HistoryActor>>();
  return (sub) => {
    let actor = known.get(sub);
    if (!actor) {
      actor = sub === '' ? Promise.resolve({ sub, name: 'Release copy', nation: null }) : lookUp(ports, workspaceId, sub);
      known.set(sub, actor);
    }
    return actor;
  };
}

async function lookUp(ports: HistoryPorts, workspaceId: string, sub: string): Promise<HistoryActor> {
  const person = await ports.people.person(workspaceId, sub);
  return person ? { sub, name: person.name, nation: person.participant.nation } : { sub, name: sub, nation: null };
}

export async function listVersions(ports: HistoryPorts, cell: Cell, reader: Participant, object: IndexedObject): Promise<VersionSummary[]> {
  const versions = await readableVersions(ports, cell, reader, object);
  const actor = actorNames(ports, cell.workspace.id);
  return Promise.all(versions.map(async (version) => ({ ...summarise(version), actor: await actor(version.entry.author) })));
}

/** One readable version, or `not_found` (a version from before the reader's epoch is answered as one that never existed). */
export async function findVersion(ports: HistoryPorts, cell: Cell, reader: Participant, object: IndexedObject, id: string): Promise<StoredVersion> {
  const version = (await readableVersions(ports, cell, reader, object)).find((candidate) => candidate.id === id);
  if (!version) throw new TearlineError('not_found', 'No such version of this item.');
  return version;
}

export async function viewVersion(ports: HistoryPorts, cell: Cell, version: StoredVersion): Promise<VersionView> {
  const actor = actorNames(ports, cell.workspace.id);
  const { doc, writers } = rebuild(version);
  try {
    const subs: string[] = [];
    const index = (sub: string) => {
      if (!subs.includes(sub)) subs.push(sub);
      return subs.indexOf(sub);
    };
    const texts = textsOf(doc).map(({ name, text }) => ({
      name,
      runs: attributedRuns(text, writers).map((run) => ({ text: run.text, by: index(run.writer) })),
    }));
    return {
      version: { ...summarise(version), actor: await actor(version.entry.author) },
      texts,
      values: valuesOf(doc),
      actors: await Promise.all(subs.map(actor)),
    };
  } finally {
    doc.destroy();
  }
}
