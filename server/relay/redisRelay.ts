// The relay between nodes, on Redis Streams: one stream per cell shard (entries of a cell stay in
// order), capped (XADD MAXLEN ~). Each node publishes what its store committed (the outbox rows,
// one pipelined write per commit; its next commit removes them from the outbox), reads the shards
// of the cells it holds from the last entry it processed (XREAD), and hands each entry of those
// cells, checked, to the receiver. Its own updates it counts at commit and skips unread (`n`).
// A node starts following a cell's shard before it reads the cell from PostgreSQL (`follow`, from
// the shard's end at that moment): whatever commits after that read is published after that end,
// so the node reads it; nothing in between is missed. Entries of cells it does not hold (a shard
// carries many cells) are skipped unread, by the cell their `w` field names. A node that unloads
// its last cell on a shard stops reading it (`unfollow`). A run id in Redis
// tells a node that Redis lost its streams (a restart without persistence): it then reconciles
// from PostgreSQL. A sweeper, on one node at a time, publishes outbox rows a crash or an outage left.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { CommittedChange, PostgresStore } from '../store/postgresStore';
import { decodeEntry, encodeEntry, RUN_KEY, streamOf, type RelayEntry } from './entries';
import type { RelayReceiver } from './receiver';

export type RedisClient = ReturnType<typeof createClient>;
type StreamAnswer = { name: string; messages: { id: string; message: Record<string, string> }[] };

/** How long one XREAD waits for entries before the loop checks the run id again. */
const READ_BLOCK_MS = 1000;
const READ_COUNT = 500;
/** Outbox rows older than this were left by a crash or an outage: the sweeper publishes them. */
const SWEEP_AFTER_MS = 3000;
const SWEEP_EVERY_MS = 2000;
const SWEEP_LIMIT = 1000;
const RETRY_MS = 500;
/**
 * A read of Redis (the run id, an XREAD) unanswered this long: Redis is frozen or unreachable. A
 * second past the block, so a busy event loop (a large cold open) is not taken for it; a freeze long
 * enough to fail another node's publication (COMMAND_TIMEOUT_MS) holds the read longer than this.
 */
const OVERDUE_MS = READ_BLOCK_MS + 1000;
/**
 * How long after its last trouble (a failed or overdue read, a failed publication, an entry not
 * applied, a reconcile) the relay is trusted again to have brought every change: rows committed
 * during an outage, or by a node that had not yet seen Redis answer again, are swept from the outbox
 * once SWEEP_AFTER_MS old, by a sweep that runs every SWEEP_EVERY_MS (after a PING on a node that
 * saw Redis fail).
 */
export const TRUST_AFTER_MS = SWEEP_AFTER_MS + 2 * SWEEP_EVERY_MS + 1000;
/**
 * Longest wait for one Redis command. node-redis has no command timeout: a Redis that stops
 * answering without closing its connections (frozen, SIGSTOP; a network that drops packets) would
 * hold every caller. Past this the command counts as failed (it may still complete later).
 */
export const COMMAND_TIMEOUT_MS = 2000;
/** The publisher named on swept rows: not a node, so none takes them for its own. */
const SWEPT = 'outbox-sweeper';

export interface RelayOptions {
  url: string;
  node: string;
  maxLen: number;
  store: Pick<PostgresStore, 'onCommit' | 'noteRelayed' | 'sweepOutbox'>;
  /** Fault tests only (TEARLINE_TEST_FAULT=kill-after-commit): the process dies between an update's commit and its relay. */
  killAfterCommit?: boolean;
  /** Counts the entries read, by what became of them (handled, skipped, own: this node's updates, refused). */
  counted?: (outcome: 'handled' | 'skipped' | 'own' | 'refused') => void;
  log: { info(details: object, message: string): void; warn(details: object, message: string): void; error(details: object, message: string): void };
}

/**
 * Closes a client: gracefully when Redis answers (QUIT after the replies still due, so commands
 * socket.io sent without awaiting them do not fail), at once when it does not.
 */
export function closeClient(client: RedisClient): Promise<unknown> {
  if (!client.isOpen) return Promise.resolve();
  // A frozen Redis never answers QUIT: then the connection is cut.
  return client.isReady ? timed(client.quit(), 'QUIT').catch(() => (client.isOpen ? client.disconnect() : undefined)) : client.disconnect();
}

/** A client that fails commands at once while Redis is away (nothing waits on it), and reconnects. */
export function redisClient(url: string, log: RelayOptions['log']): RedisClient {
  const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) } });
  let down = false;
  client.on('error', (err: unknown) => {
    if (!down) log.warn({ err }, 'Redis is unreachable: updates are still stored; other nodes get them once it answers again');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({}, 'Redis answers again');
    down = false;
  });
  return client;
}

/**
 * The client, with every command's failure observed. socket.io's Redis adapter sends most commands
 * without awaiting them (publishes, unsubscribes at close): those still due when Redis goes away or
 * the node stops (the queue flushed with "Disconnects client", a reset connection) would otherwise
 * be unhandled rejections. A caller that awaits a command still gets its failure.
 */
export function observingFailures(client: RedisClient): RedisClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) result.catch(() => undefined);
        return result;
      };
    },
  });
}

/** The command's answer, or a rejection once `COMMAND_TIMEOUT_MS` passed without one. */
export function timed<T>(command: Promise<T>, what: string, ms = COMMAND_TIMEOUT_MS): Promise<T> {
  // A late failure of a command given up on is nobody's to handle.
  command.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether stream entry id `id` (`<ms>-<n>`) comes after `position`. Read in place, without
 * `split('-').map(Number)`: that made arrays of doubles for ids and of small integers for `0-0`,
 * and the read loop (this inlined) lost its optimised code to "wrong map" on each new kind.
 */
export function isAfter(id: string, position: string): boolean {
  const dash = id.indexOf('-');
  const atDash = position.indexOf('-');
  const ms = Number(id.slice(0, dash));
  const atMs = Number(position.slice(0, atDash));
  return ms > atMs || (ms === atMs && Number(id.slice(dash + 1)) > Number(position.slice(atDash + 1)));
}

function toEntry(node: string, change: CommittedChange): RelayEntry {
  switch (change.kind) {
    case 'level':
      return { kind: 'level', node, workspaceId: change.workspaceId, level: change.level };
    case 'workspace':
      return { kind: 'workspace', node, workspaceId: change.workspaceId };
    case 'update':
      return {
        kind: 'update',
        node,
        workspaceId: change.workspaceId,
        objectId: change.objectId,
        epoch: change.epoch,
        seq: change.seq,
        markingVersion: change.markingVersion,
        ...(change.update && change.owners ? { update: Buffer.from(change.update).toString('base64'), owners: change.owners } : {}),
        ...(change.epochSeq !== undefined ? { epochSeq: change.epochSeq } : {}),
      };
    default:
      return { kind: change.kind, node, workspaceId: change.workspaceId, objectId: change.objectId, epoch: change.epoch, seq: change.seq, markingVersion: change.markingVersion };
  }
}

/** What the relay hands to the receiver. */
export type RelayReceiverPorts = Pick<RelayReceiver, 'handle' | 'reconcile' | 'wants' | 'storedHere'>;

export class RedisRelay {
  private readonly publisher: RedisClient;
  private readonly reader: RedisClient;
  /** The shards this node follows, each with the last entry it processed. */
  private readonly positions = new Map<string, string>();
  /** Per shard, its following starting (the shard's end being read). */
  private readonly following = new Map<string, Promise<void>>();
  /** Wakes the read loop when it follows no shard yet, or unblocks its XREAD, when a shard is followed. */
  private wake: () => void = () => undefined;
  private readerId: number | undefined;
  private run: string | undefined;
  private published: Promise<void> = Promise.resolve();
  private stopped = false;
  /** False after a command timed out, until Redis answers a PING again: publications wait in the outbox meanwhile. */
  private answering = true;
  private loop: Promise<void> | undefined;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private receiver: RelayReceiverPorts | undefined;
  /** When the read loop started waiting for Redis (the run id, an XREAD); undefined while it does not wait. */
  private waitingSince: number | undefined;
  /** The last time this node knew its relay to be behind: a read failed or overdue, a publication failed, an entry not applied, a reconcile. */
  private troubleAt = -Infinity;
  /** Per cell, the entries read but not yet applied that change who sees what (anything but an update): done when applied. */
  private readonly applying = new Map<string, Promise<void>>();

  constructor(private readonly options: RelayOptions) {
    this.publisher = redisClient(options.url, options.log);
    this.reader = this.publisher.duplicate();
    this.reader.on('error', () => undefined);
    // Its id, to unblock its XREAD when a shard is to be added (a new id after each reconnection).
    this.reader.on('ready', () => {
      this.reader.clientId().then(
        (id) => (this.readerId = id),
        () => (this.readerId = undefined),
      );
    });
  }

  /** Connects; Redis must answer at start (a clear error naming REDIS_URL otherwise). */
  async connect(): Promise<void> {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref());
    try {
      await Promise.race([Promise.all([this.publisher.connect(), this.reader.connect()]), timeout]);
    } catch (cause) {
      await this.stop();
      throw new Error(`Redis at REDIS_URL does not answer (${cause instanceof Error ? cause.message : String(cause)}); start Redis or unset REDIS_URL for a single node.`, { cause });
    }
  }

  /** Reads the shards followed into `receiver`, and starts publishing commits. */
  async start(receiver: RelayReceiverPorts): Promise<void> {
    this.receiver = receiver;
    this.run = await this.currentRun();
    this.options.store.onCommit((changes) => this.publish(changes));
    this.loop = this.read();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /**
   * Follows the shard of `workspaceId` from its end now, if this node does not follow it yet. The
   * cell registry awaits it before it reads a cell from PostgreSQL. When Redis does not answer, the
   * shard is followed from its start: its entries still held are read again (the receiver skips
   * or repairs what it already has) rather than any being missed.
   */
  follow(workspaceId: string): Promise<void> {
    const stream = streamOf(workspaceId);
    let following = this.following.get(stream);
    if (!following) {
      following = this.startFollowing(stream);
      this.following.set(stream, following);
    }
    return following;
  }

  /**
   * Stops reading the shard of `workspaceId`, a cell this node took out of memory, unless one of
   * `held` (the cells it still has in memory, loading ones included) is on it. A later `follow`
   * starts from the shard's end again, as on a node that never read it.
   */
  unfollow(workspaceId: string, held: readonly string[]): void {
    const stream = streamOf(workspaceId);
    if (!this.positions.has(stream) || held.some((id) => streamOf(id) === stream)) return;
    this.following.delete(stream);
    this.positions.delete(stream);
    // A blocking XREAD of the shard is cut short, so the next one leaves it out.
    this.wake();
  }

  private async startFollowing(stream: string): Promise<void> {
    let position = '0-0';
    try {
      const [last] = await timed(this.publisher.xRevRange(stream, '+', '-', { COUNT: 1 }), 'XREVRANGE');
      if (last) position = last.id;
    } catch (err) {
      this.options.log.warn({ err, stream }, 'the end of a relay shard could not be read: it is followed from its start');
    }
    this.positions.set(stream, position);
    this.wake();
  }

  /** The run id in Redis, set by the first node to ask after Redis started empty. */
  private async currentRun(): Promise<string> {
    await timed(this.publisher.set(RUN_KEY, randomUUID(), { NX: true }), 'SET');
    return (await timed(this.publisher.get(RUN_KEY), 'GET'))!;
  }

  /** Publishes a commit's changes after those of the commits before it; outbox rows are removed once published. */
  private publish(changes: CommittedChange[]): void {
    if (this.options.killAfterCommit && changes.some((change) => change.kind === 'update')) process.kill(process.pid, 'SIGKILL');
    for (const change of changes) {
      if (change.kind !== 'update') continue;
      this.receiver!.storedHere(change).catch((err: unknown) => this.options.log.error({ err, objectId: change.objectId }, 'an update stored here could not be counted; the object is repaired at its next gap'));
    }
    this.published = this.published.then(async () => {
      // Redis stopped answering: no wait per commit; the sweeper sends the rows once it answers.
      if (!this.answering) return;
      try {
        await this.send(changes, this.options.node);
        // Removed from the outbox with this node's next commit (no round trip of their own).
        if (changes.length > 0) this.options.store.noteRelayed(changes.map((change) => change.id));
      } catch (err) {
        // The outbox keeps the rows: the sweeper publishes them once Redis answers.
        this.options.log.warn({ err, changes: changes.length }, 'changes not relayed now; the outbox sweeper sends them later');
      }
    });
  }

  /**
   * `node`: who committed them (unknown for swept rows: then every node applies them, its own too).
   * Pipelined, not in a MULTI: nothing needs the entries added all or none (one missing is a gap
   * that receivers repair, and a failure leaves every row to the sweeper, whose copies receivers
   * skip), and one connection keeps their order. MULTI and EXEC were two more commands per commit.
   */
  private async send(changes: readonly CommittedChange[], node: string): Promise<void> {
    const trim = { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.options.maxLen } } as const;
    let sent: Promise<unknown>;
    if (changes.length === 1) sent = this.publisher.xAdd(streamOf(changes[0]!.workspaceId), '*', encodeEntry(toEntry(node, changes[0]!)), trim);
    else {
      const batch = this.publisher.multi();
      for (const change of changes) batch.xAdd(streamOf(change.workspaceId), '*', encodeEntry(toEntry(node, change)), trim);
      sent = batch.execAsPipeline();
    }
    try {
      await timed(sent, 'XADD');
    } catch (err) {
      this.answering = false;
      this.troubleAt = performance.now();
      throw err;
    }
  }

  private async sweep(): Promise<void> {
    if (this.stopped || !this.publisher.isReady) return;
    try {
      if (!this.answering) {
        await timed(this.publisher.ping(), 'PING');
        this.answering = true;
      }
      const swept = await this.options.store.sweepOutbox(SWEEP_AFTER_MS, SWEEP_LIMIT, (changes) => this.send(changes, SWEPT));
      if (swept > 0) this.options.log.warn({ swept }, 'published outbox rows a crash or an outage left unsent');
    } catch (err) {
      this.options.log.warn({ err }, 'the outbox sweep failed; it runs again shortly');
    }
  }

  private async read(): Promise<void> {
    // The run id is checked once per read block, not before every XREAD: under load a read returns
    // a few entries at a time, and two more round trips each doubled the reader's Redis commands.
    // A restart is still noticed within a block's time, as when the reader waits idle.
    let runCheckedAt = -Infinity;
    while (!this.stopped) {
      try {
        let run = this.run;
        if (performance.now() - runCheckedAt >= READ_BLOCK_MS) {
          run = await this.waiting(this.currentRun());
          runCheckedAt = performance.now();
        }
        if (run !== this.run) {
          this.options.log.warn({}, 'Redis lost its relay streams (restarted or trimmed): reconciling from PostgreSQL');
          this.run = run;
          for (const stream of this.positions.keys()) this.positions.set(stream, '0-0');
          // Not trusted however long the reconcile takes, nor for TRUST_AFTER_MS after it.
          this.troubleAt = Infinity;
          try {
            await this.receiver!.reconcile();
          } finally {
            this.troubleAt = performance.now();
          }
        }
        if (this.positions.size === 0) {
          await this.idle();
          continue;
        }
        const answer = await this.waiting(this.readOnce());
        // A block that ran out answers null: nothing to iterate (not `answer ?? []`, whose empty
        // literal is another kind of array than the client's and cost the loop its optimised code).
        if (!answer) continue;
        const applied = this.applyingFrom(answer);
        try {
          await this.deliverAll(answer);
        } finally {
          applied();
        }
      } catch (err) {
        if (this.stopped) return;
        this.troubleAt = performance.now();
        this.options.log.warn({ err }, 'reading the relay failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** A read of Redis by the loop: one answered after OVERDUE_MS (Redis was frozen meanwhile) counts as trouble. */
  private async waiting<T>(read: Promise<T>): Promise<T> {
    const since = performance.now();
    this.waitingSince = since;
    try {
      return await read;
    } finally {
      this.waitingSince = undefined;
      if (performance.now() - since > OVERDUE_MS) this.troubleAt = performance.now();
    }
  }

  /**
   * Marks the cells with entries in `answer` that change who sees what (every kind but updates,
   * which alone carry `n`) as having such entries read but not applied: reads of them wait (applied).
   * Answers the function that settles them once the answer is delivered.
   */
  private applyingFrom(answer: readonly StreamAnswer[]): () => void {
    const cells = new Set<string>();
    for (const stream of answer) for (const message of stream.messages) if (message.message.n === undefined && message.message.w !== undefined) cells.add(message.message.w);
    if (cells.size === 0) return () => undefined;
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    for (const cell of cells) this.applying.set(cell, done);
    return () => {
      for (const cell of cells) if (this.applying.get(cell) === done) this.applying.delete(cell);
      settle();
    };
  }

  private async deliverAll(answer: readonly StreamAnswer[]): Promise<void> {
    for (const stream of answer) {
      for (const message of stream.messages) {
        // A shard given up during the read (its cells unloaded), or followed again since from
        // a later entry, is not read from this answer: what it holds was committed before the
        // cells were read again.
        const position = this.positions.get(stream.name);
        if (position === undefined || !isAfter(message.id, position)) {
          this.options.counted?.('skipped');
          continue;
        }
        this.positions.set(stream.name, message.id);
        await this.deliver(stream.name, message.id, message.message);
      }
    }
  }

  /** Following no shard yet: waits for a first one, or the read block's time (to check the run id). */
  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, READ_BLOCK_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.wake = () => undefined));
  }

  /**
   * One XREAD of the shards followed. A shard followed meanwhile unblocks it (CLIENT UNBLOCK: it
   * answers as if its block ran out), so the new cell's entries are read at once (within one block
   * at worst: an UNBLOCK that reaches Redis before the XREAD does nothing). A reader that
   * gets no answer (Redis frozen) is reconnected, which fails the read (its connection may hold it
   * forever otherwise).
   */
  private async readOnce() {
    const read = this.reader.xRead(
      [...this.positions].map(([key, id]) => ({ key, id })),
      { BLOCK: READ_BLOCK_MS, COUNT: READ_COUNT },
    );
    this.wake = () => {
      if (this.readerId !== undefined) void this.publisher.sendCommand(['CLIENT', 'UNBLOCK', String(this.readerId)]).catch(() => undefined);
    };
    try {
      return await timed(read, 'XREAD', READ_BLOCK_MS + COMMAND_TIMEOUT_MS);
    } catch (err) {
      if (this.reader.isOpen) await this.reader.disconnect().catch(() => undefined);
      if (!this.stopped) await timed(this.reader.connect(), 'a reconnection').catch(() => undefined);
      throw err;
    } finally {
      this.wake = () => undefined;
    }
  }

  /**
   * One entry: of a cell this node does not hold, skipped unread; else checked, then handled. A bad
   * one, or one whose handling fails, is logged and skipped.
   */
  private async deliver(stream: string, id: string, fields: Record<string, string>): Promise<void> {
    // `n`: an update this node stored, counted when it committed it (`storedHere`).
    if (fields.n === this.options.node) {
      this.options.counted?.('own');
      return;
    }
    // `w`: the entry's cell, readable without parsing it (entries without one are parsed, and handled as before).
    if (fields.w !== undefined && !this.receiver!.wants(fields.w)) {
      this.options.counted?.('skipped');
      return;
    }
    const decoded = decodeEntry(fields);
    if ('problem' in decoded) {
      this.options.counted?.('refused');
      this.options.log.error({ stream, id, problem: decoded.problem }, 'a relay entry was refused and skipped');
      return;
    }
    this.options.counted?.('handled');
    try {
      await this.receiver!.handle(decoded.entry);
    } catch (err) {
      // Not applied (PostgreSQL unreachable for the envelope, say): reads are checked against PostgreSQL for a while.
      this.troubleAt = performance.now();
      this.options.log.error({ err, stream, id }, 'a relay entry could not be applied; the object is repaired at its next gap or reconcile');
    }
  }

  /**
   * Whether this node knows its relay to have brought every change committed elsewhere, but for the
   * latency of a healthy relay: false while a read of Redis is overdue, and for TRUST_AFTER_MS after
   * any trouble. Reads served from this node's own picture rely on it (server/relay/readGate.ts).
   */
  trusted(now = performance.now()): boolean {
    const overdue = this.waitingSince !== undefined && now - this.waitingSince > OVERDUE_MS;
    return !overdue && this.answering && now - this.troubleAt >= TRUST_AFTER_MS;
  }

  /** Settles once the entries already read for the cell that change who sees what are applied; undefined when none waits. */
  applied(workspaceId: string): Promise<void> | undefined {
    return this.applying.get(workspaceId);
  }

  /** Sends one raw command (rate-limit-redis counts REST budgets with it); fails at once while Redis is away. */
  command(args: string[]): Promise<unknown> {
    return timed(this.publisher.sendCommand(args), args[0] ?? 'a command');
  }

  /** Clients for socket.io's Redis adapter (publish and subscribe), sharing this relay's settings. */
  adapterClients(): [RedisClient, RedisClient] {
    // Commands wait while Redis is away (socket.io publishes without handling a refusal).
    return [observingFailures(this.publisher.duplicate({ disableOfflineQueue: false })), observingFailures(this.publisher.duplicate({ disableOfflineQueue: false }))];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await this.published;
    // The reader's blocking XREAD would hold a QUIT back: it is cut.
    await Promise.allSettled([this.reader.isOpen ? this.reader.disconnect() : undefined, closeClient(this.publisher)]);
    await this.loop?.catch(() => undefined);
  }
}
