// Baseline 2: Hocuspocus (`@hocuspocus/server` 4.7) with its defaults and no extensions (no
// persistence, no auth hook), started by the benchmark in its own process.
import { Server } from '@hocuspocus/server';
import { announceReady } from './child';

const server = new Server({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: false });
await server.listen();
announceReady(server.address.port, () => server.destroy());
