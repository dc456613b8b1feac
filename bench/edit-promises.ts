// `npm run bench -- edit-promises [--base <dir>] [--edits 1000]`: the promises created per
// `doc:update` on its way through a real server: one base64 socket in this process sending
// sequential edits to one note, counted with an async hook after a warm-up. Each promise on the
// receive path and after the commit is a microtask and an allocation (docs/performance.md, session
// 10); unlike CPU time on a shared machine, the count is exact, so a change of a few shows. The
// count includes the client's own (socket.io-client's `emitWithAck`, this loop): the same on both
// sides of an A/B. `--base <dir>` is another checkout, whose server is loaded in a process of its own.
import { createHook } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { numberFlag, textFlag } from './options';

const WARMUP_EDITS = 300;
/** Budgets no sequential loop reaches: the count is of the path, not of refusals. */
const UNLIMITED = { ratePerSecond: 1e9, rateBurst: 1e9, personRatePerSecond: 1e9, personRateBurst: 1e9 };

export async function run(args: string[]): Promise<number> {
  const edits = numberFlag(args, 'edits', 1000);
  const root = textFlag(args, 'root');
  if (root) {
    console.log(JSON.stringify({ promisesPerEdit: await countPromises(path.resolve(root), edits) }));
    return 0;
  }
  const base = textFlag(args, 'base');
  const roots = [...(base ? [path.resolve(base)] : []), process.cwd()];
  for (const side of roots) {
    // Each side in a process of its own: two copies of the server in one process share nothing but would share V8's state.
    const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, 'edit-promises', '--root', side, '--edits', String(edits)], { encoding: 'utf8' });
    const { promisesPerEdit } = JSON.parse(out.trim().split('\n').at(-1)!) as { promisesPerEdit: number };
    console.log(`${side}: ${promisesPerEdit.toFixed(2)} promises per doc:update (server and client, ${edits} edits)`);
  }
  return 0;
}

async function countPromises(root: string, edits: number): Promise<number> {
  const { startServer } = (await import(path.join(root, 'server/app.ts'))) as typeof import('../server/app');
  const { bodyOf } = (await import(path.join(root, 'shared/content.ts'))) as typeof import('../shared/content');
  const { base64Of, bytesOf, PROTOCOL_VERSION } = (await import(path.join(root, 'shared/protocol.ts'))) as typeof import('../shared/protocol');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tearline-edit-promises-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', metricsPort: 0, dataDir, logLevel: 'silent', sqliteSync: 'normal', ...UNLIMITED });
  const post = async <T>(route: string, body: unknown, token?: string): Promise<T> => {
    const response = await fetch(server.url + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await response.json()) as T;
  };
  const { token } = await post<{ token: string }>('/api/dev/token', { persona: 'usa-analyst' });
  const { workspace } = await post<{ workspace: { id: string } }>('/api/workspaces', { name: 'edit-promises', template: 'adhoc', members: ['USA', 'GBR'] }, token);
  const socket = io(server.url, { auth: { token, protocol: PROTOCOL_VERSION, encoding: 'base64' }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const call = <T>(event: string, payload: unknown): Promise<T> => socket.timeout(10_000).emitWithAck(event, payload) as Promise<T>;
  await call('workspace:join', { workspaceId: workspace.id });
  const { object } = await call<{ object: { id: string; epoch: number } }>('object:create', { workspaceId: workspace.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR' });
  const { docs } = await call<{ docs: { update: string }[] }>('doc:sync', { workspaceId: workspace.id, docs: [{ id: object.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  const edit = async () => {
    const vector = Y.encodeStateVector(doc);
    bodyOf(doc).insert(0, 'x');
    const answer = await call<{ ok: boolean }>('doc:update', { workspaceId: workspace.id, id: object.id, epoch: object.epoch, update: base64Of(Y.encodeStateAsUpdate(doc, vector)) });
    if (!answer.ok) throw new Error(`doc:update refused: ${JSON.stringify(answer)}`);
  };
  for (let i = 0; i < WARMUP_EDITS; i++) await edit();
  let promises = 0;
  const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && promises++) });
  hook.enable();
  for (let i = 0; i < edits; i++) await edit();
  hook.disable();
  socket.close();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return promises / edits;
}
