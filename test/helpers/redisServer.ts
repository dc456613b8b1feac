// A redis-server of its own on a free port, for the tests (./redis.ts) and the cluster bench
// (bench/servers/infra.ts): no RDB snapshots (`--save ''`), no AOF unless asked, so its owner may
// stop, freeze or restart it without touching anyone else's.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RedisServer {
  url: string;
  /** The running process's id (undefined while stopped), for reading its CPU time. */
  pid(): number | undefined;
  /** Stops it (SIGTERM, nothing saved) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port: empty, or with what its AOF kept. */
  start(): Promise<void>;
  /** SIGSTOP: the process holds its connections open and answers nothing until `thaw`. */
  freeze(): void;
  thaw(): void;
}

/** `aof`: every write appended and fsynced (`appendfsync always`), so a restart keeps it all. */
export async function startRedisServer(options: { aof?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const persistence = options.aof
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', fs.mkdtempSync(path.join(os.tmpdir(), 'tearline-redis-'))]
    : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const redis: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    pid: () => child?.pid,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async start() {
      const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
      child = started;
      const failed = new Promise<never>((_, reject) => started.once('error', (error) => reject(new Error(`redis-server could not start (${error.message}): install redis-server`))));
      for (let i = 0; i < 100 && !(await Promise.race([answers(port), failed])); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      // A frozen process would hold SIGTERM until it runs again.
      running.kill('SIGCONT');
      running.kill('SIGTERM');
      await exited;
    },
  };
  await redis.start();
  return redis;
}
