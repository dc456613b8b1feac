// A hostile or careless editor on a live server: content the server could not copy is refused
// before it is stored (it used to break every later release and stop the server from starting),
// and nobody can write under another participant's Yjs client id, even after a restart.
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent, editableFieldText, fieldsOf } from '../../shared/content';
import { bytesOf, type Envelope, type WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, startTestServer, tempDir, tokenFor, type TestClient } from '../helpers/server';

const dataDir = tempDir();
let server: RunningServer;
let cell: WorkspaceSummary;
let usa: TestClient, fdo: TestClient, gbr: TestClient;

async function join(...personas: string[]): Promise<TestClient[]> {
  const clients = await Promise.all(personas.map((p) => connect(server.url, p)));
  for (const c of clients) await c.ok('workspace:join', { workspaceId: cell.id });
  return clients;
}

/**
 * A replica of the object as `client` reads it, and a way to send an edit made on it; `clientId`
 * forges the Yjs client id it writes with (set after loading: Yjs gives a doc a new id when it
 * receives structs of its own).
 */
async function replica(client: TestClient, id: string, clientId?: number) {
  const doc = new Y.Doc();
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  if (clientId !== undefined) doc.clientID = clientId;
  const epoch = docs[0]!.epoch;
  return {
    doc,
    send(change: (doc: Y.Doc) => void) {
      const before = Y.encodeStateVector(doc);
      doc.transact(() => change(doc));
      return client.call('doc:update', { workspaceId: cell.id, id, epoch, update: Y.encodeStateAsUpdate(doc, before) });
    },
  };
}

beforeAll(async () => {
  server = await startTestServer({ dataDir });
  cell = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'Hostile content', template: 'fvey' });
  [usa, fdo, gbr] = (await join('usa-analyst', 'usa-fdo', 'gbr-analyst')) as [TestClient, TestClient, TestClient];
});
afterAll(async () => {
  for (const c of [usa, fdo, gbr]) c.close();
  await server.close();
});

async function note(marking: string, body: string): Promise<Envelope> {
  return (await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking, content: buildContent({ body, fields: { title: 'Track' } }) })).object;
}

test('embedded types and deep nesting are refused; the object still releases with all its acknowledged text', async () => {
  const object = await note('SECRET//NOFORN', 'Contact bearing 040. ');
  const editor = await replica(usa, object.id);
  for (const change of [
    (doc: Y.Doc) => bodyOf(doc).insertEmbed(0, new Y.Text('held in an embedded text')),
    (doc: Y.Doc) => bodyOf(doc).insertEmbed(0, new Y.Map()),
    (doc: Y.Doc) => {
      let current = new Y.Map<unknown>();
      fieldsOf(doc).set('nested', current);
      for (let i = 0; i < 3000; i++) current.set('k', (current = new Y.Map()));
    },
  ]) {
    // Each refused edit leaves this replica ahead of the server: start again from the server's copy.
    const fresh = await replica(usa, object.id);
    expect(await fresh.send(change)).toMatchObject({ ok: false, error: { code: 'bad_update' } });
  }
  expect(await editor.send((doc) => editableFieldText(doc, 'title').insert(5, ' 7'))).toMatchObject({ ok: true });
  expect(await editor.send((doc) => bodyOf(doc).format(0, 7, { bold: true }))).toMatchObject({ ok: true });

  const { object: released } = await fdo.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, GBR' });
  expect(released.epoch).toBe(1);
  const seen = await replica(gbr, object.id);
  expect(bodyOf(seen.doc).toDelta()).toEqual([{ insert: 'Contact', attributes: { bold: true } }, { insert: ' bearing 040. ' }]);
  expect(fieldsOf(seen.doc).get('title')?.toString()).toBe('Track 7');
  const { object: tearline } = await usa.ok('tearline:create', { workspaceId: cell.id, sourceId: object.id });
  expect(bodyOf((await replica(usa, tearline.id)).doc).toString()).toBe('Contact bearing 040. ');
});

test('writing under another participant’s client id is refused, and stays refused after a restart', async () => {
  const object = await note('SECRET//REL TO USA, GBR', 'Shared. ');
  const victim = await replica(usa, object.id);
  expect(await victim.send((doc) => bodyOf(doc).insert(0, 'USA first. '))).toMatchObject({ ok: true });

  const shadow = await replica(gbr, object.id, victim.doc.clientID);
  const refused = await shadow.send((doc) => bodyOf(doc).insert(0, 'GBR as USA. '));
  expect(refused).toMatchObject({ ok: false, error: { code: 'bad_update' } });
  if (!refused.ok) expect(refused.error.message).toMatch(/belongs to someone else/);

  // The victim's next edit at the clock the impostor tried to take is kept, for everyone.
  expect(await victim.send((doc) => bodyOf(doc).insert(0, 'USA second. '))).toMatchObject({ ok: true });
  expect(bodyOf((await replica(gbr, object.id)).doc).toString()).toBe('USA second. USA first. Shared. ');

  for (const c of [usa, fdo, gbr]) c.close();
  await server.close();
  server = await startTestServer({ dataDir });
  [usa, fdo, gbr] = (await join('usa-analyst', 'usa-fdo', 'gbr-analyst')) as [TestClient, TestClient, TestClient];
  expect(await (await replica(gbr, object.id, victim.doc.clientID)).send((doc) => bodyOf(doc).insert(0, 'Later. '))).toMatchObject({
    ok: false,
    error: { code: 'bad_update' },
  });
  // Nor under the server's own id, which wrote the content of a new epoch.
  const { object: released } = await fdo.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, GBR, AUS' });
  const serverCopy = (await replica(gbr, object.id)).doc;
  const serverId = [...Y.decodeStateVector(Y.encodeStateVector(serverCopy)).keys()][0]!;
  const sneaky = await replica(gbr, released.id, serverId);
  expect(await sneaky.send((doc) => bodyOf(doc).insert(0, 'As the server. '))).toMatchObject({ ok: false, error: { code: 'bad_update' } });
});
