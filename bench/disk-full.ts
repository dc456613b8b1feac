// A full disk, for real: the server's data directory is a small tmpfs that a filler file brings to
// the brink while writers type, one edit in flight each, keeping refused edits and sending them
// again (as the web client does, on a shorter backoff). Measures what the writers are answered,
// whether /healthz is answered throughout and what it says, whether reading and joining go on,
// how long after space returns the kept edits are saved, and, after a restart on the same
// directory, that no edit is lost and the reader never held one that did not reach the disk.
// Needs root (it mounts the tmpfs). `npm run bench -- disk-full [--seconds 4] [--writers 8]`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../shared/content';
import { bytesOf, type Ack } from '../shared/protocol';
import { startServer, type RunningServer } from '../server/app';
import { connectPersona } from './targets/tearline';

const TMPFS_MIB = 16;
/** Free space the filler leaves: a few hundred commits' worth. */
const LEFT_FREE_BYTES = 256 * 1024;
const EDIT_GAP_MS = 20;
const HEALTH_EVERY_MS = 100;
/** Refused edits are sent again after this, doubling up to the maximum (the web client: 1 s to 30 s, with jitter). */
const RETRY_MS = 250;
const RETRY_MAX_MS = 2000;
const RECOVERY_TIMEOUT_MS = 30_000;

interface Client {
  socket: Socket;
  call(event: string, payload: unknown): Promise<Ack<Record<string, unknown>>>;
}

async function connectClient(url: string, persona: string): Promise<Client> {
  const socket = await connectPersona(url, persona);
  return { socket, call: (event, payload) => socket.timeout(60_000).emitWithAck(event, payload) as Promise<Ack<Record<string, unknown>>> };
}

async function ok(client: Client, event: string, payload: unknown): Promise<Record<string, unknown>> {
  const answer = await client.call(event, payload);
  if (!answer.ok) throw new Error(`${event}: ${answer.error.code} ${answer.error.message}`);
  return answer;
}

async function syncText(client: Client, workspaceId: string, id: string): Promise<string> {
  const { docs } = (await ok(client, 'doc:sync', { workspaceId, docs: [{ id }] })) as { docs: { update: Uint8Array }[] };
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  return bodyOf(doc).toString();
}

/** Answers of one kind, counted by code ('ok' for an acknowledgement). */
class Tally {
  readonly counts = new Map<string, number>();
  add(code: string): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }
  text(): string {
    return [...this.counts].map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  }
}

/** A participant typing into its own note, one edit in flight, keeping what the server refuses. */
class Writer {
  private readonly doc = new Y.Doc();
  private unacked: { update: Uint8Array; tokens: string[] }[] = [];
  readonly typed: string[] = [];
  readonly acked = new Set<string>();
  private retries = 0;
  private typing = true;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly workspaceId: string,
    readonly id: string,
    private readonly name: string,
    private readonly answers: (code: string) => void,
  ) {}

  start(base: Uint8Array): void {
    Y.applyUpdate(this.doc, base);
    this.loop = this.run();
  }

  /** Stops typing and resolves once every kept edit is saved (or the timeout passes). */
  async finish(): Promise<void> {
    this.typing = false;
    await this.loop;
  }

  get pending(): number {
    return this.unacked.length;
  }

  private async run(): Promise<void> {
    let stoppedAt = Infinity;
    for (;;) {
      if (this.typing) {
        this.type();
      } else {
        stoppedAt = Math.min(stoppedAt, performance.now());
        if (this.unacked.length === 0 || performance.now() - stoppedAt > RECOVERY_TIMEOUT_MS) return;
      }
      if (this.unacked.length > 0) await this.send();
      await sleep(this.retries > 0 ? Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** (this.retries - 1)) : EDIT_GAP_MS);
    }
  }

  private type(): void {
    const token = `${this.name}-${this.typed.length};`;
    const before = Y.encodeStateVector(this.doc);
    bodyOf(this.doc).insert(bodyOf(this.doc).length, token);
    this.typed.push(token);
    this.unacked.push({ update: Y.encodeStateAsUpdate(this.doc, before), tokens: [token] });
  }

  private async send(): Promise<void> {
    const sending = this.unacked;
    const update = sending.length === 1 ? sending[0]!.update : Y.mergeUpdates(sending.map((u) => u.update));
    const answer = await this.client.call('doc:update', { workspaceId: this.workspaceId, id: this.id, epoch: 0, update });
    this.answers(answer.ok ? 'ok' : answer.error.code);
    if (answer.ok) {
      for (const { tokens } of sending) for (const token of tokens) this.acked.add(token);
      this.unacked = this.unacked.slice(sending.length);
      this.retries = 0;
    } else {
      this.retries++;
    }
  }
}

interface HealthSample {
  at: number;
  ms: number;
  status: number;
  storage: string;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function flag(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

async function serve(dataDir: string): Promise<RunningServer> {
  return startServer({
    port: 0,
    host: '127.0.0.1',
    metricsPort: 0,
    dataDir,
    // Every refused edit is logged as an error: the figures below are the point here.
    logLevel: 'silent',
    devIdentity: 'on',
    diskWarnBytes: 4 * 1024 * 1024,
    ratePerSecond: 1_000_000,
    rateBurst: 1_000_000,
    personRatePerSecond: 1_000_000,
    personRateBurst: 1_000_000,
    maxSocketsPerPerson: 1_000_000,
  });
}

function mountTmpfs(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tearline-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_MIB}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`The disk-full scenario mounts a ${TMPFS_MIB} MiB tmpfs, which needs root: ${(error as Error).message.trim()}`);
  }
  return dir;
}

export async function run(args: string[]): Promise<number> {
  const fullSeconds = flag(args, 'seconds', 4);
  const writerCount = flag(args, 'writers', 8);
  let mount: string;
  try {
    mount = mountTmpfs();
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const dataDir = path.join(mount, 'data');
  const filler = path.join(mount, 'filler');
  const answers = { before: new Tally(), full: new Tally(), after: new Tally() };
  let phase: keyof typeof answers = 'before';
  const health: HealthSample[] = [];
  let server: RunningServer | undefined = await serve(dataDir);
  const { url } = server;
  try {
    const token = ((await (await fetch(`${url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ persona: 'usa-analyst' }) })).json()) as { token: string }).token;
    const created = await fetch(`${url}/api/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'Disk full', template: 'fvey' }),
    });
    const workspaceId = ((await created.json()) as { workspace: { id: string } }).workspace.id;
    const personas = ['usa-analyst', 'gbr-analyst', 'aus-analyst', 'can-analyst', 'nzl-analyst'];
    const clients = await Promise.all(Array.from({ length: writerCount }, (_, i) => connectClient(url, personas[i % personas.length]!)));
    const reader = await connectClient(url, 'usa-secret');
    for (const client of [...clients, reader]) await ok(client, 'workspace:join', { workspaceId });
    // The reader applies every edit it is sent: at the end, all of it must be on disk.
    const readerDocs = new Map<string, Y.Doc>();
    reader.socket.on('doc:update', ({ id, update }: { id: string; update: Uint8Array }) => {
      if (!readerDocs.has(id)) readerDocs.set(id, new Y.Doc());
      Y.applyUpdate(readerDocs.get(id)!, bytesOf(update));
    });
    const writers: Writer[] = [];
    for (const [i, client] of clients.entries()) {
      const content = buildContent({ body: '' });
      const { object } = (await ok(client, 'object:create', { workspaceId, kind: 'note', marking: 'SECRET//REL TO USA, FVEY', content })) as { object: { id: string } };
      const writer = new Writer(client, workspaceId, object.id, `w${i}`, (code) => answers[phase].add(code));
      readerDocs.set(object.id, new Y.Doc());
      Y.applyUpdate(readerDocs.get(object.id)!, content);
      writers.push(writer);
      writer.start(content);
    }
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const from = performance.now();
        const response = await fetch(`${url}/healthz`);
        const body = (await response.json()) as { storage?: { status: string } };
        health.push({ at: from, ms: performance.now() - from, status: response.status, storage: body.storage?.status ?? '?' });
        await sleep(HEALTH_EVERY_MS);
      }
    })();

    await sleep(1000);
    phase = 'full';
    const free = statfsSync(mount).bavail * statfsSync(mount).bsize;
    const fillFrom = performance.now();
    // Off the event loop: the server shares this process.
    await writeFile(filler, Buffer.alloc(Math.max(0, free - LEFT_FREE_BYTES)));
    // Typing goes on until the disk refuses, and then for the chosen time.
    let firstRefusal = Infinity;
    while (performance.now() - fillFrom < 30_000 && firstRefusal === Infinity) {
      if ((answers.full.counts.get('unavailable') ?? 0) > 0) firstRefusal = performance.now();
      await sleep(10);
    }
    // Someone joins and reads: at a level the cell already knows (nothing to write), and at a new one.
    const lateJoin = async (persona: string): Promise<string> => {
      const late = await connectClient(url, persona);
      const started = performance.now();
      const joined = await late.call('workspace:join', { workspaceId });
      const synced = joined.ok ? await late.call('doc:sync', { workspaceId, docs: writers.slice(0, 5).map((w) => ({ id: w.id })) }) : joined;
      late.socket.disconnect();
      return `${synced.ok ? 'answered' : synced.error.code} in ${(performance.now() - started).toFixed(0)} ms`;
    };
    const joinKnownLevel = await lateJoin('usa-fdo');
    const joinNewLevel = await lateJoin('gbr-fdo');
    await sleep(fullSeconds * 1000);
    const unwrittenAudit = server.ctx.audit.unwritten();
    const keptAtRelease = writers.reduce((sum, w) => sum + w.pending, 0);

    phase = 'after';
    rmSync(filler);
    const freedAt = performance.now();
    await sleep(1000);
    await Promise.all(writers.map((w) => w.finish()));
    const savedAfterMs = performance.now() - freedAt - 1000;
    await sleep(500);
    polling = false;
    await poller;
    const keptUnsaved = writers.reduce((sum, w) => sum + w.pending, 0);
    const auditAfter = server.ctx.audit.unwritten();
    for (const client of [...clients, reader]) client.socket.disconnect();
    await server.close();
    server = undefined;

    // Restart on the same directory: what is on disk is what counts.
    server = await serve(dataDir);
    const checker = await connectClient(server.url, 'usa-analyst');
    await ok(checker, 'workspace:join', { workspaceId });
    let lostAcked = 0;
    let lostTyped = 0;
    let readerAhead = 0;
    for (const writer of writers) {
      const text = await syncText(checker, workspaceId, writer.id);
      for (const token of writer.typed) {
        if (!text.includes(token)) {
          lostTyped++;
          if (writer.acked.has(token)) lostAcked++;
        }
      }
      const readerText = bodyOf(readerDocs.get(writer.id)!).toString();
      for (const token of readerText.split(';').filter(Boolean)) if (!text.includes(`${token};`)) readerAhead++;
    }
    const audit = await server.ctx.audit.verify();
    checker.socket.disconnect();
    await server.close();
    server = undefined;

    const during = health.filter((h) => h.at >= fillFrom && h.at <= freedAt);
    const statuses = health.map((h) => h.storage).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    console.log(`Disk full on a ${TMPFS_MIB} MiB tmpfs: ${writerCount} writers (one edit in flight each, every ${EDIT_GAP_MS} ms), ${fullSeconds} s full\n`);
    console.log('| measure | value |\n| --- | --- |');
    const rows: [string, string][] = [
      ['answers before the disk filled', answers.before.text()],
      ['answers while full', answers.full.text()],
      ['answers after space returned', answers.after.text()],
      ['from filling the disk to the first refusal', `${(firstRefusal - fillFrom).toFixed(0)} ms`],
      ['/healthz while full: answered, p50, max', `${during.filter((h) => h.status === 200).length}/${during.length}, ${quantile(during.map((h) => h.ms), 0.5).toFixed(1)} ms, ${Math.max(0, ...during.map((h) => h.ms)).toFixed(1)} ms`],
      ['/healthz storage.status over the run', statuses.join(' → ')],
      ['while full, a join and doc:sync of 5 notes at a known level', joinKnownLevel],
      ['while full, the first join of a level new to the cell', joinNewLevel],
      ['edits kept by writers when space returned', String(keptAtRelease)],
      ['audit entries waiting in memory when space returned', String(unwrittenAudit)],
      ['from space returning to every kept edit saved', `${savedAfterMs.toFixed(0)} ms (retry backoff ${RETRY_MS} ms doubling to ${RETRY_MAX_MS} ms)`],
      ['edits still unsaved / audit entries unwritten at the end', `${keptUnsaved} / ${auditAfter}`],
      ['after a restart: edits typed, lost, acknowledged and lost', `${writers.reduce((sum, w) => sum + w.typed.length, 0)}, ${lostTyped}, ${lostAcked}`],
      ['edits the reader held that never reached the disk', String(readerAhead)],
      ['audit chain after the restart', audit.ok ? `verifies (${audit.count} entries)` : `BROKEN at ${audit.seq}: ${audit.reason}`],
    ];
    for (const [measure, value] of rows) console.log(`| ${measure} | ${value} |`);
    return lostAcked === 0 && lostTyped === 0 && readerAhead === 0 && audit.ok ? 0 : 1;
  } finally {
    await server?.close();
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  }
}
