// Baseline 1: the y-websocket reference server (`@y/websocket-server` 0.1.1), as its own
// `server.js` runs it: a plain `ws` server, `setupWSConnection` per socket, room = URL path,
// no persistence. Started by the benchmark in its own process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';
import { announceReady } from './child';

const httpServer = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('ok');
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
httpServer.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
httpServer.listen(0, '127.0.0.1', () => {
  announceReady((httpServer.address() as AddressInfo).port, async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  });
});
