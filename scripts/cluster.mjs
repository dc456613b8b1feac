#!/usr/bin/env node
// `npm run cluster [-- --nodes N]`: the multi-node topology on one machine, without Docker.
// PostgreSQL and Redis: the local ones when they answer (DATABASE_URL / REDIS_URL, else
// 127.0.0.1:5432 database `tearline_cluster` and 127.0.0.1:6379), otherwise own instances on free
// ports (initdb + postgres, redis-server) in a temporary directory. N nodes (default 3) on the
// ports after the proxy's (8081…), and a WebSocket-aware proxy (http-proxy) on :8080 (`--port P`)
// that keeps each browser on one node (a cookie) and moves it to another when that node is gone. A node that exits is started again
// after a few seconds, so you can `kill <pid>` one and watch the web client move.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import httpProxy from 'http-proxy';
import pg from 'pg';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, port: { type: 'string', default: '8080' } } });
const count = Number(values.nodes);
const proxyPort = Number(values.port);
if (!Number.isInteger(count) || count < 1 || count > 32) throw new Error('--nodes must be a whole number from 1 to 32');

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tearline-cluster-'));
const children = new Set();
let stopping = false;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function answers(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(host, port, what) {
  for (let i = 0; i < 200; i++) {
    if (await answers(host, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start on ${host}:${port}`);
}

function run(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function postgresBin(name) {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dirs = [fromConfig.status === 0 ? fromConfig.stdout.trim() : undefined];
  if (fs.existsSync('/usr/lib/postgresql')) for (const version of fs.readdirSync('/usr/lib/postgresql').sort().reverse()) dirs.push(`/usr/lib/postgresql/${version}/bin`);
  const dir = dirs.find((d) => d && fs.existsSync(path.join(d, name)));
  if (!dir) throw new Error(`No PostgreSQL answers and ${name} is not installed: install PostgreSQL or set DATABASE_URL.`);
  return path.join(dir, name);
}

async function database() {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (await answers('127.0.0.1', 5432)) {
    const user = process.env.PGUSER ?? 'postgres';
    const admin = new pg.Client({ connectionString: `postgres://${user}@127.0.0.1:5432/postgres` });
    await admin.connect();
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'tearline_cluster'");
    if (rowCount === 0) await admin.query('CREATE DATABASE tearline_cluster');
    await admin.end();
    return `postgres://${user}@127.0.0.1:5432/tearline_cluster`;
  }
  const port = await freePort();
  const dir = path.join(work, 'pg');
  const user = os.userInfo().username;
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  fs.mkdirSync(dir, { recursive: true });
  if (asUser.uid !== undefined) fs.chownSync(dir, asUser.uid, asUser.gid);
  const init = spawnSync(postgresBin('initdb'), ['-D', dir, '-U', 'tearline', '--auth=trust'], { stdio: 'inherit', ...asUser });
  if (init.status !== 0) throw new Error('initdb failed');
  run(postgresBin('postgres'), ['-D', dir, '-p', String(port), '-k', dir, '-h', '127.0.0.1'], asUser);
  await waitFor('127.0.0.1', port, 'PostgreSQL');
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log(`cluster: own PostgreSQL on port ${port} (as ${asUser.uid === undefined ? user : 'nobody'})`);
  return `postgres://tearline@127.0.0.1:${port}/postgres`;
}

async function relay() {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (await answers('127.0.0.1', 6379)) return 'redis://127.0.0.1:6379';
  const port = await freePort();
  run('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--dir', work]);
  await waitFor('127.0.0.1', port, 'Redis');
  console.log(`cluster: own Redis on port ${port}`);
  return `redis://127.0.0.1:${port}`;
}

const databaseUrl = await database();
const redisUrl = await relay();
const dataDir = path.join(work, 'data');
fs.mkdirSync(dataDir);
const nodes = Array.from({ length: count }, (_, i) => ({ id: `node-${i + 1}`, port: proxyPort + 1 + i, up: false, child: undefined }));

function startNode(node) {
  const env = {
    ...process.env,
    PORT: String(node.port),
    HOST: '127.0.0.1',
    TEARLINE_STORE: 'postgres',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    TEARLINE_NODE_ID: node.id,
    TEARLINE_DATA_DIR: dataDir,
    TEARLINE_METRICS_PORT: 'off',
    TEARLINE_LOG_LEVEL: process.env.TEARLINE_LOG_LEVEL ?? 'warn',
  };
  node.child = run(process.execPath, [path.join(root, 'bin/tearline.mjs'), 'serve'], { env, cwd: root });
  console.log(`cluster: ${node.id} starting on :${node.port} (pid ${node.child.pid})`);
  node.child.once('exit', (code, signal) => {
    node.up = false;
    if (stopping) return;
    console.log(`cluster: ${node.id} stopped (${signal ?? code}); starting it again in 3 s`);
    setTimeout(() => startNode(node), 3000);
  });
  void waitFor('127.0.0.1', node.port, node.id).then(
    () => {
      node.up = true;
      console.log(`cluster: ${node.id} up`);
    },
    () => undefined,
  );
}

// The first node migrates; the others start once it listens.
startNode(nodes[0]);
await waitFor('127.0.0.1', nodes[0].port, nodes[0].id);
for (const node of nodes.slice(1)) startNode(node);

const COOKIE = 'tearline_node';
let next = 0;
/** The browser's node while it is up; else the next one up (round robin). */
function pick(req) {
  const wanted = /(?:^|;\s*)tearline_node=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
  const sticky = nodes.find((node) => node.id === wanted && node.up);
  if (sticky) return { node: sticky, moved: false };
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[(next + i) % nodes.length];
    if (node.up) {
      next = (next + i + 1) % nodes.length;
      return { node, moved: true };
    }
  }
  return undefined;
}

const proxy = httpProxy.createProxyServer({ ws: true, xfwd: true });
proxy.on('error', (err, _req, res) => {
  if (res instanceof http.ServerResponse && !res.headersSent) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'unavailable', message: 'That server node just went away; try again.' } }));
  } else res?.destroy?.();
});
const server = http.createServer((req, res) => {
  const chosen = pick(req);
  if (!chosen) {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'unavailable', message: 'No server node is up yet; try again in a moment.' } }));
    return;
  }
  if (chosen.moved) res.setHeader('set-cookie', `${COOKIE}=${chosen.node.id}; Path=/; SameSite=Strict`);
  proxy.web(req, res, { target: `http://127.0.0.1:${chosen.node.port}` });
});
server.on('upgrade', (req, socket, head) => {
  const chosen = pick(req);
  if (!chosen) return socket.destroy();
  proxy.ws(req, socket, head, { target: `http://127.0.0.1:${chosen.node.port}` });
});
server.listen(proxyPort, () => console.log(`cluster: ${count} node(s) behind http://localhost:${proxyPort} (Ctrl-C stops everything)`));

function stop() {
  if (stopping) return;
  stopping = true;
  server.close();
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
