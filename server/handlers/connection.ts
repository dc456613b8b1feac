// One socket's life: authenticate on connect (and hold one of the person's places), check every
// inbound message (ack present, requests waiting for an answer, rate, size, schema), dispatch it
// in its turn (one message at a time per socket), answer in the contract's shape and charge the
// answer's size to the budget, end the session when the client stops taking what is sent to it,
// and clean up on disconnect.
import type { Ack, BinaryEncoding, ClientEvent, ProtocolError } from '../../shared/protocol';
import { BINARY_ENCODINGS, PROTOCOL_VERSION, schemas } from '../../shared/protocol';
import { formatSize } from '../../shared/sizes';
import { rateLimited, TearlineError, toProtocolError } from '../errors';
import { answerText } from '../sessions/answerText';
import { participantOf } from '../sessions/identity';
import { ExpirySweep } from '../sessions/expirySweep';
import { MessageQueue } from '../sessions/messageQueue';
import { boundOutput, type WatchedConnection } from '../sessions/outputBound';
import type { SocketBudget } from '../sessions/rateLimiter';
import type { TearlineSocket } from '../sessions/session';
import { parseOrRefuse } from '../validation';
import type { Context } from './context';
import type { BaseCall } from './dispatch';
import { dispatch } from './table';
import { leaveWorkspace } from './workspaces';

/** Each admitted socket's message budget, from its handshake to its end. */
const budgets = new WeakMap<TearlineSocket, SocketBudget>();

/**
 * A client speaking another version of the contract would misread answers or send what the server
 * refuses, so it is turned away at the door. One without a version predates versions: as old.
 */
function protocolRefusal(protocol: unknown): TearlineError | undefined {
  if (protocol === PROTOCOL_VERSION) return undefined;
  const theirs = typeof protocol === 'number' ? `version ${protocol}` : 'an unversioned protocol';
  return new TearlineError(
    'bad_request',
    `This page speaks ${theirs} of the Tearline protocol and the server speaks version ${PROTOCOL_VERSION}. Reload the page to get the current version.`,
  );
}

/** How long an ended session has to take its last frames (`session:ended`) before its connection is cut. */
const CLOSE_GRACE_MS = 2000;

interface ClosingConnection extends WatchedConnection {
  readyState: string;
  transport: WatchedConnection['transport'] & { socket?: { terminate?(): void } };
  close(discard: boolean): void;
}

/**
 * Tells the client why, then closes. A client that does not read gets its connection cut after
 * CLOSE_GRACE_MS, so what the server holds for it is freed (a WebSocket close otherwise waits for
 * the client's answer, up to 30 s, and engine.io first for its write buffer to drain).
 */
function endSession(ctx: Pick<Context, 'metrics'>, socket: TearlineSocket, reason: 'expired' | 'slow_reader', error: ProtocolError): void {
  ctx.metrics.sessionsEnded.inc({ reason });
  socket.emit('session:ended', error);
  socket.disconnect(true);
  const conn = socket.conn as unknown as ClosingConnection;
  setTimeout(() => {
    if (conn.readyState === 'closed') return;
    if (conn.transport.socket?.terminate) conn.transport.socket.terminate();
    else conn.close(true);
  }, CLOSE_GRACE_MS).unref();
}

/** How late, at most, a session whose token ran out is ended (one sweep for every socket, ../sessions/expirySweep.ts). */
export const EXPIRY_SWEEP_MS = 1000;

/** The sweep that ends sessions whose token ran out. */
export function sessionExpiry(ctx: Pick<Context, 'metrics'>): ExpirySweep<TearlineSocket> {
  return new ExpirySweep(EXPIRY_SWEEP_MS, (socket) => {
    if (socket.connected) endSession(ctx, socket, 'expired', { code: 'unauthorized', message: 'Your session has expired; sign in again.' });
  });
}

/** Socket.io middleware: no token, no socket. The error's data carries the contract's shape. */
export function authenticate(ctx: Context) {
  return async (socket: TearlineSocket, next: (error?: Error) => void) => {
    try {
      const { token, encoding = 'binary', protocol } = socket.handshake.auth as { token?: unknown; encoding?: unknown; protocol?: unknown };
      const refusal = protocolRefusal(protocol);
      if (refusal) throw refusal;
      if (!BINARY_ENCODINGS.includes(encoding as BinaryEncoding)) {
        throw new TearlineError('bad_request', `auth.encoding must be ${BINARY_ENCODINGS.join(' or ')}.`);
      }
      if (typeof token !== 'string' || token.length === 0) {
        throw new TearlineError('unauthorized', 'Sign in first: no token was presented.');
      }
      const identity = await ctx.verify(token);
      const { participant, level } = participantOf(identity);
      // socket.io drops a client that left while its token was checked without a 'disconnect',
      // which would never give back the place it took.
      if (socket.conn.readyState !== 'open') throw new TearlineError('unauthorized', 'The connection closed during sign-in.');
      const budget = ctx.people.open(identity.sub);
      budgets.set(socket, budget);
      socket.once('disconnect', budget.release);
      socket.data = { identity, participant, level, joined: new Set(), presence: {}, encoding: encoding as BinaryEncoding };
      forgetHandshake(socket);
      next();
    } catch (error) {
      const protocolError = toProtocolError(error);
      next(Object.assign(new Error(protocolError.message), { data: protocolError }));
    }
  };
}

/**
 * Lets go of the token once admitted: its claims are in the session (session:refresh brings a new
 * one), and kept it would sit in memory for the socket's life and travel with the handshake to
 * other nodes. (engine.io's upgrade request is not worth dropping: engine.io keeps it anyway,
 * through its WebSocketResponse's close listener on the TCP socket.)
 */
function forgetHandshake(socket: TearlineSocket): void {
  // A new object rather than `delete`: a deletion turns the object into a dictionary, which holds
  // a hash table for the socket's life.
  socket.handshake.auth = Object.fromEntries(Object.entries(socket.handshake.auth).filter(([key]) => key !== 'token'));
}

const EVENTS: ReadonlySet<string> = new Set(Object.keys(schemas));

/**
 * What a payload weighs: the bytes of its binary fields (updates, content, state vectors) and,
 * with `text`, the characters of its strings (an answer's base64, ids and envelopes, nearly all
 * one byte each on the wire).
 */
export function weight(value: unknown, text: boolean): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return text ? value.length : 0;
  if (!value || typeof value !== 'object') return 0;
  let total = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) total += weight(item, text);
  return total;
}

export function onConnection(ctx: Context, socket: TearlineSocket): void {
  // Set by authenticate, the only way in.
  const budget = budgets.get(socket)!;
  ctx.sessionExpiry.schedule(socket, socket.data.identity.exp * 1000);
  ctx.metrics.connections.inc();
  const maxPending = ctx.config.maxPendingOutputBytes;
  boundOutput(socket.conn as unknown as WatchedConnection, maxPending, (pending) => {
    // Ended meanwhile (its token expired): nothing left to end.
    if (!socket.connected) return;
    ctx.log.warn({ pendingBytes: pending }, 'session ended: the client stopped taking what was sent to it');
    endSession(ctx, socket, 'slow_reader', {
      code: 'rate_limited',
      message: `The server closed this connection because it fell too far behind: more than ${formatSize(maxPending)} waited to be sent to it (a slow or stalled network, or a client that stopped reading).`,
    });
  });
  let unanswered = 0;
  const queue = new MessageQueue();
  // One per socket, not one per message.
  const renewExpiry = (exp: number) => ctx.sessionExpiry.schedule(socket, exp * 1000);
  const turn = (event: ClientEvent, payload: unknown, release: () => void): Promise<object> =>
    handle(budget, event, payload, {
      ctx,
      socket,
      // The session as it is when this message's turn comes: no other message of this socket runs meanwhile.
      session: socket.data,
      release,
      renewExpiry,
    });

  // One listener for every event, not one closure per event and socket (memory per connected
  // client); an event outside the contract is ignored, as one without a listener was.
  socket.onAny((async (event: ClientEvent, payload: unknown, ack: unknown) => {
    // A message without an ack callback cannot be answered; it is dropped, never half-applied.
    if (!EVENTS.has(event) || typeof ack !== 'function') return;
    const reply = ack as (answer: Ack<object>) => void;
    unanswered++;
    try {
      if (unanswered > ctx.config.maxUnanswered) {
        throw new TearlineError(
          'rate_limited',
          `You have ${ctx.config.maxUnanswered} requests waiting for an answer, the most the server works on at once for one connection; wait for their answers, then send more.`,
        );
      }
      // Charged for its answer before the next message's turn: pipelined, large answers would
      // all pass the budget before any was charged.
      const answer = await queue.run(async (release) => {
        const body = await turn(event, payload, release);
        // The large answers (doc:sync on a base64 socket, envelope listings) are written as text here (../sessions/answerText.ts).
        const text = answerText(event, body);
        budget.chargeAnswer(text ? text.chars : weight(body, true));
        return text ?? { ok: true as const, ...body };
      });
      reply(answer as Ack<object>);
    } catch (error) {
      const protocolError: ProtocolError = toProtocolError(error);
      // `unavailable` is a stored object the server cannot read: an administrator must see it too.
      if (protocolError.code === 'internal' || protocolError.code === 'unavailable') ctx.log.error({ err: error, event }, 'handler failed');
      ctx.metrics.rejected.inc({ code: protocolError.code });
      reply({ ok: false, error: protocolError });
    } finally {
      unanswered--;
    }
  }) as never);

  socket.on('disconnect', () => {
    ctx.sessionExpiry.cancel(socket);
    ctx.metrics.connections.dec();
    // After the messages already received: a join still under way is left too.
    void queue.run(async () => {
      for (const workspaceId of [...socket.data.joined]) {
        await leaveWorkspace(ctx, socket, workspaceId).catch((err: unknown) => ctx.log.error({ err }, 'leave on disconnect failed'));
      }
    });
  });
}

/**
 * Checks one message and hands it to the dispatcher. Not async: the dispatcher's promise is
 * returned as it is, not wrapped in another (microtasks per edit); a refusal is thrown, and the
 * queue's task that calls this turns it into its rejection.
 */
function handle(
  budget: SocketBudget,
  event: ClientEvent,
  payload: unknown,
  call: Omit<BaseCall<ClientEvent>, 'payload'>,
): Promise<object> {
  if (!budget.take()) {
    throw rateLimited('Too many messages too fast, or answers too large; slow down.', budget.waitMs());
  }
  const parsed = parseOrRefuse(schemas[event] as never, payload);
  // Measured after parsing, when base64 text has become bytes too.
  const size = weight(parsed, false);
  const { maxUpdateBytes } = call.ctx.config;
  if (size > maxUpdateBytes) {
    throw new TearlineError(
      'too_large',
      `This change is ${formatSize(size)}; the limit is ${formatSize(maxUpdateBytes)}. Split it into smaller edits.`,
    );
  }
  return dispatch(event, { ...call, payload: parsed } as BaseCall<ClientEvent>);
}
