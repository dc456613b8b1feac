// The two unfiltered baselines as people deploy them: the whole cell is ONE Y.Doc that every
// client joins, each object a shared type inside it. They ignore levels and markings, so every
// client receives every edit: the same traffic the uniform Tearline workload produces.
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import type { ServerName } from '../servers/spawn';
import type { FrameHandler } from '../wire/frames';
import { MESSAGE, SYNC, YjsSocket, type YjsDialect } from '../wire/yjs-socket';
import type { ColdOpened, Receiver, SeedObject, Target, TargetSession, Writer } from './target';

const CELL = 'bench-cell';
const OBJECTS = 'objects';
const COLD_OPEN_TIMEOUT_MS = 120_000;

export const yWebsocketTarget = baselineTarget('y-websocket', { kind: 'y-websocket', room: CELL });
export const hocuspocusTarget = baselineTarget('hocuspocus', { kind: 'hocuspocus', docName: CELL });

function baselineTarget(name: ServerName, dialect: YjsDialect): Target {
  return { name, filters: false, open: async (server) => new BaselineSession(server.url, dialect) };
}

class BaselineSession implements TargetSession {
  private seeder: YjsSocket | null = null;

  constructor(
    private readonly url: string,
    private readonly dialect: YjsDialect,
  ) {}

  async connectWriter(_level: unknown, writer: number, _marking: string, onFrame: FrameHandler): Promise<Writer> {
    const socket = await YjsSocket.open(this.url, this.dialect, onFrame);
    // The writer needs no copy of the cell: it only appends to its own text, whose earlier items it made.
    const doc = new Y.Doc();
    const text = doc.getText(`object-${writer}`);
    doc.on('update', (update: Uint8Array) => socket.sendUpdate(update));
    return {
      edit: (insert) => text.insert(text.length, insert),
      close: () => {
        socket.close();
        doc.destroy();
      },
    };
  }

  connectReceiver(_level: unknown, onFrame: FrameHandler): Promise<Receiver> {
    return YjsSocket.open(this.url, this.dialect, onFrame);
  }

  async seed(objects: readonly SeedObject[]): Promise<void> {
    const doc = new Y.Doc();
    const cell = doc.getMap<Y.Map<unknown>>(OBJECTS);
    doc.transact(() => {
      objects.forEach((object, index) => {
        const entry = new Y.Map<unknown>();
        cell.set(`object-${index}`, entry);
        entry.set('kind', object.kind);
        for (const [key, value] of Object.entries(object.fields)) entry.set(key, value);
        entry.set('body', new Y.Text(object.body));
      });
    });
    // Stays connected: without persistence, Hocuspocus unloads a document its last client leaves.
    const socket = await YjsSocket.open(this.url, this.dialect);
    this.seeder = socket;
    socket.sendUpdate(Y.encodeStateAsUpdate(doc));
    // Messages are handled in order, so the answer to a later sync step 1 means the seed is applied.
    const applied = socket.waitFor(isSyncStep2, 'reply after seeding', COLD_OPEN_TIMEOUT_MS);
    socket.sendSyncStep1(Y.encodeStateVector(doc));
    await applied;
    doc.destroy();
  }

  async coldOpen(): Promise<ColdOpened> {
    const socket = await YjsSocket.open(this.url, this.dialect);
    const doc = new Y.Doc();
    const reply = socket.waitFor(isSyncStep2, 'cold-open sync', COLD_OPEN_TIMEOUT_MS);
    socket.sendSyncStep1(Y.encodeStateVector(doc));
    Y.applyUpdate(doc, (await reply).payload!);
    // One doc: held and applied are the same moment.
    const applied = performance.now();
    const objects = doc.getMap(OBJECTS).size;
    socket.close();
    doc.destroy();
    return { objects, held: applied, built: applied };
  }

  close(): void {
    this.seeder?.close();
  }
}

function isSyncStep2(message: { kind: number; syncType?: number }): boolean {
  return message.kind === MESSAGE.sync && message.syncType === SYNC.step2;
}
