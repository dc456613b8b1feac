// The one way a client asks the server something, for the web client, the tests and the
// benchmark alike: emit the event with an ack and a deadline, and answer the server's ack typed
// from the contract (`Ack<AckBodies[E]>`). What to do with a refusal is the caller's business.
import type { Ack, AckBodies, ClientEvent, ClientInput } from './protocol';

/** What a request needs of a socket: socket.io-client's Socket, or the benchmark's light client. */
export interface RequestSocket {
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
}

/** Sends `event` and resolves with the server's ack; rejects when none arrives within `timeoutMs`. */
export async function request<E extends ClientEvent>(socket: RequestSocket, event: E, payload: ClientInput<E>, timeoutMs: number): Promise<Ack<AckBodies[E]>> {
  return (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<AckBodies[E]>;
}
