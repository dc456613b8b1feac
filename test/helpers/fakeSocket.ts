// In-memory doubles for unit tests of what fan-out and presence send to whom, without a socket.io
// server: sockets that record what reaches them, a server whose rooms are plain sets (each socket
// also in a room named by its id, as in socket.io), and a cell built from envelopes. The casts to
// socket.io's types live here, once; a member a double does not have throws when code reads it,
// so a test never passes by reading `undefined`.
import type { Server } from 'socket.io';
import { accessLevelKey, defaultPolicy, type Participant } from '../../shared/markings';
import type { BinaryEncoding, Envelope, PresenceState, WorkspaceSummary } from '../../shared/protocol';
import type { Context } from '../../server/handlers/context';
import type { SessionData, TearlineServer, TearlineSocket } from '../../server/sessions/session';
import type { Metrics } from '../../server/metrics/metrics';
import { ObjectIndex } from '../../server/objects/objectIndex';
import { Audience } from '../../server/rooms/audience';
import { roomsOf } from '../../server/rooms/roomNames';
import type { Cell } from '../../server/workspaces/cellRegistry';

/**
 * `parts` as a `T` whose other members throw when read: for code typed to take a whole object
 * (the Context, Metrics) of which a test provides only what the code under test uses.
 */
export function strictPartial<T extends object>(parts: Partial<T>, name: string): T {
  return new Proxy(parts, {
    get(target, key, receiver) {
      // Probes that are not uses: awaiting (`then`), inspection, coercion.
      if (key in target || typeof key === 'symbol' || key === 'then' || key === 'toJSON') return Reflect.get(target, key, receiver);
      throw new Error(`the test's ${name} has no ${key}: give it to the double if the code under test needs it`);
    },
  }) as T;
}

export interface Received {
  event: string;
  payload: unknown;
}

export class FakeSocket {
  readonly rooms: Set<string>;
  readonly received: Received[] = [];

  constructor(
    readonly id: string,
    readonly data: SessionData,
  ) {
    this.rooms = new Set([id]);
  }

  join(rooms: readonly string[]): this {
    for (const room of rooms) this.rooms.add(room);
    return this;
  }

  /** The payloads of one event that reached this socket, in order. */
  got<T = unknown>(event: string): T[] {
    return this.received.filter((message) => message.event === event).map((message) => message.payload as T);
  }

  asSocket(): TearlineSocket {
    return this as unknown as TearlineSocket;
  }
}

/** One emit: a message encoded once for all the rooms it goes to. */
export interface Emitted {
  rooms: string[];
  except: string[];
  event: string;
  payload: unknown;
}

class FakeOperator {
  constructor(
    private readonly io: FakeIo,
    private readonly rooms: readonly string[],
    private readonly excepted: readonly string[] = [],
  ) {}

  to(rooms: string | readonly string[]): FakeOperator {
    return new FakeOperator(this.io, [...this.rooms, ...[rooms].flat()], this.excepted);
  }

  except(rooms: string | readonly string[]): FakeOperator {
    return new FakeOperator(this.io, this.rooms, [...this.excepted, ...[rooms].flat()]);
  }

  /** The sockets in any of the rooms and in none of the excepted ones, each once. */
  private targets(): FakeSocket[] {
    return [...this.io.sockets.values()].filter(
      (socket) => this.rooms.some((room) => socket.rooms.has(room)) && !this.excepted.some((room) => socket.rooms.has(room)),
    );
  }

  emit(event: string, payload: unknown): boolean {
    this.io.emits.push({ rooms: [...this.rooms], except: [...this.excepted], event, payload });
    for (const socket of this.targets()) socket.received.push({ event, payload });
    return true;
  }

  fetchSockets(): Promise<FakeSocket[]> {
    return Promise.resolve(this.targets());
  }
}

export class FakeIo {
  readonly sockets = new Map<string, FakeSocket>();
  readonly emits: Emitted[] = [];

  add(socket: FakeSocket): FakeSocket {
    this.sockets.set(socket.id, socket);
    return socket;
  }

  to(rooms: string | readonly string[]): FakeOperator {
    return new FakeOperator(this, [rooms].flat());
  }

  /** This node's sockets only (`io.local`): in a test of one node, every socket. */
  get local(): FakeIo {
    return this;
  }

  in(rooms: string | readonly string[]): FakeOperator {
    return this.to(rooms);
  }

  /** The emits of one event. */
  emitted(event: string): Emitted[] {
    return this.emits.filter((emit) => emit.event === event);
  }

  /** Room membership as the in-memory adapter holds it (presence reads the size of a cell's room). */
  of(_namespace: '/'): { adapter: { rooms: Map<string, Set<string>> } } {
    const rooms = new Map<string, Set<string>>();
    for (const socket of this.sockets.values()) {
      for (const room of socket.rooms) {
        let ids = rooms.get(room);
        if (!ids) rooms.set(room, (ids = new Set()));
        ids.add(socket.id);
      }
    }
    return { adapter: { rooms } };
  }

  asServer(): TearlineServer & Server {
    return this as unknown as TearlineServer & Server;
  }
}

/** Metrics that accept what fan-out records and keep nothing. */
export function fakeMetrics(): Metrics {
  return strictPartial<Metrics>(
    {
      fanouts: strictPartial<Metrics['fanouts']>({ inc: () => undefined }, 'fanouts counter'),
      fanoutSeconds: strictPartial<Metrics['fanoutSeconds']>({ observe: () => undefined }, 'fanout histogram'),
    },
    'metrics',
  );
}

export function workspace(id = 'w1', members = ['USA', 'GBR', 'AUS', 'JPN']): WorkspaceSummary {
  return {
    id,
    name: `Cell ${id}`,
    members,
    defaultMarking: 'SECRET//REL TO USA, FVEY',
    systemHigh: 'TOP SECRET',
    groups: {},
    exercise: false,
    releasePolicy: { deadlineMinutes: 60, autoRelease: false, autoReleaseNations: [] },
    crossNationEditing: 'suggest',
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'usa-analyst',
  };
}

export function envelope(id: string, marking: string, fields: Partial<Envelope> = {}): Envelope {
  return {
    id,
    workspaceId: 'w1',
    kind: fields.parentId ? 'portion' : 'report',
    marking,
    portion: '(S)',
    originator: 'USA',
    parentId: null,
    orderKey: 'a0',
    createdBy: 'usa-analyst',
    createdAt: '2026-01-01T00:00:00.000Z',
    epoch: 0,
    ...fields,
  };
}

/** A cell with these objects whose audiences know these participants' levels. */
export function fakeCell(envelopes: readonly Envelope[], participants: readonly Participant[], id = 'w1'): Cell {
  const index = new ObjectIndex(defaultPolicy, envelopes);
  const levels = participants.map((participant) => accessLevelKey(participant));
  return { workspace: workspace(id), policy: defaultPolicy, index, audience: new Audience(index, levels) };
}

export const participants = {
  usaTopSecret: { nation: 'USA', clearance: 'TOP SECRET', compartments: [] },
  gbrSecret: { nation: 'GBR', clearance: 'SECRET', compartments: [] },
  jpnSecret: { nation: 'JPN', clearance: 'SECRET', compartments: [] },
} satisfies Record<string, Participant>;

/** A socket of a participant that joined `cell` with an encoding, added to `io`. */
export function joinedSocket(
  io: FakeIo,
  cell: Cell,
  id: string,
  participant: Participant,
  options: { encoding?: BinaryEncoding; presence?: PresenceState } = {},
): FakeSocket {
  const level = accessLevelKey(participant);
  const encoding = options.encoding ?? 'binary';
  const workspaceId = cell.workspace.id;
  const data: SessionData = {
    identity: { sub: id, name: id, nation: participant.nation, clearance: participant.clearance, compartments: [...participant.compartments], roles: ['editor'], exp: 0 },
    participant,
    level,
    joined: new Set([workspaceId]),
    encoding,
    presence: options.presence ? { [workspaceId]: options.presence } : {},
  };
  return io.add(new FakeSocket(id, data).join(roomsOf(workspaceId, level, encoding)));
}

/** A Context with only `parts`; reading anything else throws (the code under test takes the whole Context). */
export function contextWith(parts: Partial<Context>): Context {
  return strictPartial<Context>(parts, 'context');
}
