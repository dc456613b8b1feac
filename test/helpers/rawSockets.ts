// Bare socket.io servers and clients for tests of what goes on the wire (the direct write paths):
// what a test opens is closed after it.
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { Server } from 'socket.io';
import { afterEach } from 'vitest';

export function rawSockets<Node extends { io: Server; url: string }>() {
  const nodes: Node[] = [];
  const clients: ClientSocket[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const node of nodes.splice(0)) await node.io.close();
  });
  /** A client connected to `node` without upgrades or reconnection, once the server has it. */
  const join = async (node: Node, transports: ('websocket' | 'polling')[] = ['websocket']): Promise<ClientSocket> => {
    const client = connect(node.url, { transports, forceNew: true, reconnection: false, upgrade: false });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    await new Promise((r) => setTimeout(r, 50)); // the server-side join
    return client;
  };
  /** Keeps `node` to be closed after the test. */
  const started = (node: Node): Node => {
    nodes.push(node);
    return node;
  };
  return { join, started };
}
