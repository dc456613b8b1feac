// Starts one benchmarked server in its own Node process (through tsx, like `npm start`) so its CPU
// and memory are measured apart from the load generator's, and samples its RSS while it runs.
// BENCH_SERVER_V8_FLAGS (flags, space-separated) goes on a Tearline or baseline server's command
// line: V8's tracing flags, which NODE_OPTIONS refuses; they print to stdout, which
// BENCH_SERVER_STDOUT=<file> keeps (as <file>.<pid>). See bench/v8-trace.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { READY_PREFIX, type ReadyLine } from './child';
import { parseMetrics } from './metrics';
import { sampleProcess, type ProcessSample } from './procfs';

export const SERVER_NAMES = ['tearline', 'y-websocket', 'hocuspocus'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

export interface SpawnOptions {
  /** Write a V8 CPU profile of the server into this directory when it stops. */
  cpuProfileDir?: string;
  /** Extra arguments for the child entry (e.g. the Tearline data directory). */
  args?: string[];
  /** Extra environment (e.g. a Tearline node's TEARLINE_STORE, DATABASE_URL, REDIS_URL). */
  env?: Record<string, string>;
  /** Run the server of this checkout of the repository instead of this one (an A/B of two versions). */
  root?: string;
}

const START_TIMEOUT_MS = 30_000;
const RSS_SAMPLE_MS = 100;
const GC_SETTLE_MS = 300;

function snapshotsHere(): string[] {
  return readdirSync('.').filter((name) => name.endsWith('.heapsnapshot'));
}

async function stableSize(file: string): Promise<boolean> {
  const size = statSync(file).size;
  await sleep(500);
  return size > 0 && statSync(file).size === size;
}

export class ServerProcess {
  private peakRssMb = 0;
  private readonly sampler: NodeJS.Timeout;
  /** Settles when the process has exited, for whatever reason, with how. */
  readonly exited: Promise<string>;

  private constructor(
    readonly name: ServerName,
    readonly port: number,
    /** The server's Prometheus endpoint, for a server that has one (Tearline's own listener). */
    readonly metricsUrl: string | undefined,
    /** Where a Tearline server takes seeding batches (./tearline-seed.ts); none for the baselines. */
    readonly seedUrl: string | undefined,
    private readonly child: ChildProcess,
    private readonly profileRun: string | null,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)));
    this.sampler = setInterval(() => this.samplePeak(), RSS_SAMPLE_MS);
    this.sampler.unref();
  }

  static async start(name: ServerName, options: SpawnOptions = {}): Promise<ServerProcess> {
    const entry = options.root ? path.join(options.root, 'bench', 'servers', `${name}.ts`) : fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    const profileRun = options.cpuProfileDir ? path.join(options.cpuProfileDir, `${name}-${Date.now()}`) : null;
    const profile = profileRun ? ['--cpu-prof', '--cpu-prof-dir', profileRun] : [];
    const v8Flags = process.env.BENCH_SERVER_V8_FLAGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...profile, ...v8Flags, '--expose-gc', '--import', 'tsx', entry, ...(options.args ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...options.env },
    });
    if (process.env.BENCH_SERVER_STDOUT) child.stdout!.pipe(createWriteStream(`${process.env.BENCH_SERVER_STDOUT}.${child.pid}`));
    const ready = await readyLine(name, child);
    return new ServerProcess(name, ready.port, ready.metricsUrl, ready.seedUrl, child, profileRun);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number {
    return this.child.pid!;
  }

  sample(): ProcessSample {
    return sampleProcess(this.pid);
  }

  /** Samples after a full garbage collection in the server, so RSS deltas compare like with like. */
  async sampleAfterGc(): Promise<ProcessSample> {
    this.child.kill('SIGUSR2');
    await sleep(GC_SETTLE_MS);
    return this.sample();
  }

  /**
   * A heap snapshot of the server, written into its working directory (the server must run with
   * NODE_OPTIONS=--heapsnapshot-signal=SIGUSR1). Resolves with the file once it is complete.
   */
  async heapSnapshot(): Promise<string> {
    const before = new Set(snapshotsHere());
    this.child.kill('SIGUSR1');
    for (;;) {
      await sleep(500);
      const file = snapshotsHere().find((name) => !before.has(name));
      // V8 writes the file in one go and renames nothing: done when its size stops changing.
      if (file && (await stableSize(file))) return file;
    }
  }

  /** One scrape of the server's metrics, by series (`name` or `name{labels}`). */
  async metrics(): Promise<Map<string, number>> {
    if (!this.metricsUrl) throw new Error(`The ${this.name} server has no metrics listener.`);
    const response = await fetch(this.metricsUrl);
    if (!response.ok) throw new Error(`${this.metricsUrl} answered ${response.status}`);
    return parseMetrics(await response.text());
  }

  /** Starts a new peak-RSS window; `peakRss()` answers the highest RSS seen since. */
  resetPeak(): void {
    this.peakRssMb = this.sample().rssMb;
  }

  peakRss(): number {
    this.samplePeak();
    return this.peakRssMb;
  }

  /** Kills the server at once (SIGKILL), as a crash would: it closes nothing. */
  async crash(): Promise<void> {
    clearInterval(this.sampler);
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
    if (this.profileRun) keepMainThreadProfile(this.profileRun);
  }

  private samplePeak(): void {
    if (this.child.exitCode !== null) return;
    try {
      this.peakRssMb = Math.max(this.peakRssMb, this.sample().rssMb);
    } catch {
      // The process is exiting between the check and the read: nothing left to sample.
    }
  }
}

/**
 * Every thread writes its own profile (tsx's module loader runs in a worker), so the run gets a
 * directory; the main thread's profile, the largest, becomes `<run>.cpuprofile` beside it.
 */
function keepMainThreadProfile(runDir: string): void {
  // A server killed before it exited (SIGKILL after the stop's grace) wrote none: the run's own error tells why.
  if (!existsSync(runDir)) {
    process.stderr.write(`CPU profile: none written in ${runDir} (the server did not exit by itself)\n`);
    return;
  }
  const profiles = readdirSync(runDir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .map((file) => path.join(runDir, file));
  const main = profiles.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (main) renameSync(main, `${runDir}.cpuprofile`);
  rmSync(runDir, { recursive: true, force: true });
  if (main) process.stderr.write(`CPU profile: ${runDir}.cpuprofile\n`);
}

const KEPT_OUTPUT_LINES = 40;

/**
 * Waits for the child's `BENCH_READY {"port", "metricsUrl"?}` line. Its stderr goes to ours; its stdout (logs) is
 * drained so a chatty server never blocks on a full pipe, keeping the last lines for a failure.
 */
function readyLine(name: ServerName, child: ChildProcess): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    const keep = (line: string) => {
      output.push(line);
      if (output.length > KEPT_OUTPUT_LINES) output.shift();
    };
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`The ${name} server ${why}.\n${output.join('\n')}`));
    };
    child.once('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
    child.stderr!.on('data', (chunk: Buffer) => {
      keep(chunk.toString());
      process.stderr.write(`[${name}] ${chunk}`);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(READY_PREFIX)) {
        keep(line);
        return;
      }
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(JSON.parse(line.slice(READY_PREFIX.length)) as ReadyLine);
    });
  });
}
