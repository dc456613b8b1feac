// Just enough of a socket.io client socket for the web client's session and boards: connection
// state and event listeners, with `fire` to deliver an event as the server would.
type Listener = (...args: never[]) => void;

export class FakeClientSocket {
  connected = true;
  id = 'client-1';
  private readonly listeners = new Map<string, Set<Listener>>();
  on(event: string, listener: Listener) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener);
  }
  off(event: string, listener: Listener) {
    this.listeners.get(event)?.delete(listener);
  }
  fire(event: string, body?: unknown) {
    for (const listener of this.listeners.get(event) ?? []) (listener as (b: unknown) => void)(body);
  }
}
