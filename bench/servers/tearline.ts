// Tearline as the benchmark runs it: the real server (`server/app.ts`) with its defaults (SQLite
// with fsync per commit, updates durable before fan-out), in a fresh temporary data directory,
// in its own process. The message limits are lifted, because the cold-open cell is loaded through
// a single socket far faster than any person types, and a handful of demo personas stand in for
// hundreds of people (so per-person budgets, socket places and REST budgets would bind: one
// persona creates all 200 cells of `bench -- many-cells`). Those personas come
// from the demonstration identity provider, switched on explicitly: servers run with
// NODE_ENV=production here, which refuses it otherwise.
//
// Scenarios load their cells through a seeding listener of this child (./tearline-seed.ts).
//
// Arguments, for the scenarios that restart a server or test its limits:
//   --data-dir <dir>   use (and keep) this data directory: a restart finds the same cells
//   --port <port>      listen on this port: clients reconnect to where they were
//   --keep-budgets     keep every message budget as configured; only the socket places per person
//                      stay lifted (a few personas stand in for many people)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../../server/app';
import { announceReady } from './child';
import { seedListener } from './tearline-seed';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, 'keep-budgets': { type: 'boolean' } },
});
const dataDir = values['data-dir'] ?? mkdtempSync(path.join(tmpdir(), 'tearline-bench-'));
const lifted = values['keep-budgets']
  ? {}
  : {
      ratePerSecond: 1_000_000,
      rateBurst: 1_000_000,
      personRatePerSecond: 1_000_000,
      personRateBurst: 1_000_000,
    };
const server = await startServer({
  port: Number(values.port ?? 0),
  host: '127.0.0.1',
  metricsPort: 0,
  dataDir,
  logLevel: 'warn',
  ...lifted,
  maxSocketsPerPerson: 1_000_000,
  httpPerMinute: 1_000_000,
  devIdentity: 'on',
});
announceReady(
  server.port,
  async () => {
    await server.close();
    if (!values['data-dir']) rmSync(dataDir, { recursive: true, force: true });
  },
  server.metricsUrl,
  await seedListener(server),
);
