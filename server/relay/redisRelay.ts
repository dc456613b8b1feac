// The relay between nodes, on Redis Streams: one stream per cell shard (entries of a cell stay in
// order), capped (XADD MAXLEN ~). Each node publishes what its store committed (the outbox rows,
// then marks them relayed), reads every shard from the last entry it processed (XREAD), and hands
// each entry, checked, to the receiver. A run id in Redis tells a node that Redis lost its streams
// (a restart without persistence): it then reconciles from PostgreSQL. A sweeper, on one node at
// a time, publishes outbox rows a crash or an outage left.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { CommittedChange, PostgresStore } from '../store/postgresStore';
import { ALL_STREAMS, decodeEntry, encodeEntry, RUN_KEY, streamOf, type RelayEntry } from './entries';
import type { RelayReceiver } from './receiver';

export type RedisClient = ReturnType<typeof createClient>;

/** How long one XREAD waits for entries before the loop checks the run id again. */
const READ_BLOCK_MS = 1000;
const READ_COUNT = 500;
/** Outbox rows older than this were left by a crash or an outage: the sweeper publishes them. */
const SWEEP_AFTER_MS = 3000;
const SWEEP_EVERY_MS = 2000;
const SWEEP_LIMIT = 1000;
const RETRY_MS = 500;
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
  store: Pick<PostgresStore, 'onCommit' | 'markRelayed' | 'sweepOutbox'>;
  /** Fault tests only (TEARLINE_TEST_FAULT=kill-after-commit): the process dies between an update's commit and its relay. */
  killAfterCommit?: boolean;
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

export class RedisRelay {
  private readonly publisher: RedisClient;
  private readonly reader: RedisClient;
  private readonly positions = new Map<string, string>(ALL_STREAMS.map((stream) => [stream, '0-0']));
  private run: string | undefined;
  private published: Promise<void> = Promise.resolve();
  private stopped = false;
  /** False after a command timed out, until Redis answers a PING again: publications wait in the outbox meanwhile. */
  private answering = true;
  private loop: Promise<void> | undefined;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private receiver: Pick<RelayReceiver, 'handle' | 'reconcile'> | undefined;

  constructor(private readonly options: RelayOptions) {
    this.publisher = redisClient(options.url, options.log);
    this.reader = this.publisher.duplicate();
    this.reader.on('error', () => undefined);
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

  /** Reads every stream from its current end into `receiver`, and starts publishing commits. */
  async start(receiver: Pick<RelayReceiver, 'handle' | 'reconcile'>): Promise<void> {
    this.receiver = receiver;
    for (const stream of ALL_STREAMS) {
      const [last] = await timed(this.publisher.xRevRange(stream, '+', '-', { COUNT: 1 }), 'XREVRANGE');
      if (last) this.positions.set(stream, last.id);
    }
    this.run = await this.currentRun();
    this.options.store.onCommit((changes) => this.publish(changes));
    this.loop = this.read();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /** The run id in Redis, set by the first node to ask after Redis started empty. */
  private async currentRun(): Promise<string> {
    await timed(this.publisher.set(RUN_KEY, randomUUID(), { NX: true }), 'SET');
    return (await timed(this.publisher.get(RUN_KEY), 'GET'))!;
  }

  /** Publishes a commit's changes after those of the commits before it; outbox rows are removed once published. */
  private publish(changes: CommittedChange[]): void {
    if (this.options.killAfterCommit && changes.some((change) => change.kind === 'update')) process.kill(process.pid, 'SIGKILL');
    this.published = this.published.then(async () => {
      // Redis stopped answering: no wait per commit; the sweeper sends the rows once it answers.
      if (!this.answering) return;
      try {
        await this.send(changes, this.options.node);
        if (changes.length > 0) await this.options.store.markRelayed(changes.map((change) => change.id));
      } catch (err) {
        // The outbox keeps the rows: the sweeper publishes them once Redis answers.
        this.options.log.warn({ err, changes: changes.length }, 'changes not relayed now; the outbox sweeper sends them later');
      }
    });
  }

  /** `node`: who committed them (unknown for swept rows: then every node applies them, its own too). */
  private async send(changes: readonly CommittedChange[], node: string): Promise<void> {
    const batch = this.publisher.multi();
    for (const change of changes) {
      batch.xAdd(streamOf(change.workspaceId), '*', encodeEntry(toEntry(node, change)), {
        TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.options.maxLen },
      });
    }
    try {
      await timed(batch.exec(), 'XADD');
    } catch (err) {
      this.answering = false;
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
    while (!this.stopped) {
      try {
        const run = await this.currentRun();
        if (run !== this.run) {
          this.options.log.warn({}, 'Redis lost its relay streams (restarted or trimmed): reconciling from PostgreSQL');
          this.run = run;
          for (const stream of ALL_STREAMS) this.positions.set(stream, '0-0');
          await this.receiver!.reconcile();
        }
        const answer = await this.readOnce();
        for (const stream of answer ?? []) {
          for (const message of stream.messages) {
            this.positions.set(stream.name, message.id);
            await this.deliver(stream.name, message.id, message.message);
          }
        }
      } catch (err) {
        if (this.stopped) return;
        this.options.log.warn({ err }, 'reading the relay failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /**
   * One XREAD. A reader that gets no answer (Redis frozen) is reconnected, which fails the read
   * (its connection may hold it forever otherwise).
   */
  private async readOnce() {
    const read = this.reader.xRead(
      ALL_STREAMS.map((key) => ({ key, id: this.positions.get(key)! })),
      { BLOCK: READ_BLOCK_MS, COUNT: READ_COUNT },
    );
    try {
      return await timed(read, 'XREAD', READ_BLOCK_MS + COMMAND_TIMEOUT_MS);
    } catch (err) {
      if (this.reader.isOpen) await this.reader.disconnect().catch(() => undefined);
      if (!this.stopped) await timed(this.reader.connect(), 'a reconnection').catch(() => undefined);
      throw err;
    }
  }

  /** One entry: checked, then handled; a bad one, or one whose handling fails, is logged and skipped. */
  private async deliver(stream: string, id: string, fields: Record<string, string>): Promise<void> {
    const decoded = decodeEntry(fields);
    if ('problem' in decoded) {
      this.options.log.error({ stream, id, problem: decoded.problem }, 'a relay entry was refused and skipped');
      return;
    }
    try {
      await this.receiver!.handle(decoded.entry);
    } catch (err) {
      this.options.log.error({ err, stream, id }, 'a relay entry could not be applied; the object is repaired at its next gap or reconcile');
    }
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
