// History with attribution (issue 17): each object's versions, who wrote which text, restore as a
// new edit. A level that joined the audience by a release sees versions from that release's copy
// on, never before it (no content, actor or time of them), and a hidden object's history is
// answered exactly as a missing object's.
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { bytesOf, type Envelope, type WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import type { ServerConfig } from '../../server/config';
import { describeEngines, useTestDatabase } from '../helpers/postgres';
import { connect, createCell, onPostgres, startTestServer, tokenFor, type TestClient } from '../helpers/server';

describeEngines(
  'history',
  {
    sqlite: () => (): Partial<ServerConfig> => ({}),
    postgres: () => {
      const url = useTestDatabase();
      return (): Partial<ServerConfig> => onPostgres(url());
    },
  },
  (storage) => {
  let server: RunningServer;
  let cell: WorkspaceSummary;
  let usa: TestClient, fdo: TestClient, gbr: TestClient, aus: TestClient, viewer: TestClient;

  async function edit(client: TestClient, id: string, change: (text: Y.Text) => void): Promise<void> {
    const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, bytesOf(docs[0]!.update));
    const before = Y.encodeStateVector(doc);
    change(bodyOf(doc));
    await client.ok('doc:update', { workspaceId: cell.id, id, epoch: docs[0]!.epoch, update: Y.encodeStateAsUpdate(doc, before) });
  }

  async function create(by: TestClient, marking: string, body: string): Promise<Envelope> {
    return (await by.ok('object:create', { workspaceId: cell.id, kind: 'note', marking, content: buildContent({ body }) })).object;
  }

  async function bodyText(client: TestClient, id: string): Promise<string> {
    const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, bytesOf(docs[0]!.update));
    return bodyOf(doc).toString();
  }

  beforeAll(async () => {
    // Compaction after every 2 updates: history must outlive it.
    server = await startTestServer({ compactAfter: 2, ...storage() });
    cell = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'History', template: 'adhoc', members: ['USA', 'GBR', 'AUS'] });
    [usa, fdo, gbr, aus, viewer] = (await Promise.all(['usa-analyst', 'usa-fdo', 'gbr-analyst', 'aus-analyst', 'aus-viewer'].map((p) => connect(server.url, p)))) as [
      TestClient,
      TestClient,
      TestClient,
      TestClient,
      TestClient,
    ];
    for (const client of [usa, fdo, gbr, aus, viewer]) await client.ok('workspace:join', { workspaceId: cell.id });
  });
  afterAll(async () => {
    for (const client of [usa, fdo, gbr, aus, viewer]) client.close();
    await server.close();
  });

  test('versions name who wrote each, and the view colours each run by its writer', async () => {
    const note = await create(usa, 'SECRET//REL TO USA, GBR', 'Convoy at dawn.');
    await edit(gbr, note.id, (t) => t.insert(t.length, ' Escort of two.'));
    await edit(usa, note.id, (t) => t.insert(0, 'Update: '));
    const { versions } = await gbr.ok('history:list', { workspaceId: cell.id, id: note.id });
    expect(versions.map((v) => [v.id, v.change, v.actor.name, v.actor.nation])).toEqual([
      ['0.0', 'created', expect.any(String), 'USA'],
      ['0.1', 'edited', expect.any(String), 'GBR'],
      ['0.2', 'edited', expect.any(String), 'USA'],
    ]);
    expect(versions[1]).toMatchObject({ inserted: ' Escort of two.'.length, deleted: 0 });
    const { view } = await gbr.ok('history:version', { workspaceId: cell.id, id: note.id, version: '0.2' });
    const body = view.texts.find((t) => t.name === 'body')!;
    expect(body.runs.map((r) => [r.text, view.actors[r.by]!.nation])).toEqual([
      ['Update: Convoy at dawn.', 'USA'],
      [' Escort of two.', 'GBR'],
    ]);
    const { view: first } = await gbr.ok('history:version', { workspaceId: cell.id, id: note.id, version: '0.0' });
    expect(first.texts.find((t) => t.name === 'body')!.runs.map((r) => r.text).join('')).toBe('Convoy at dawn.');
  });

  test('a level added by a release sees versions from its epoch only; the old audience keeps the earlier ones', async () => {
    const secret = 'CANARY-HISTORY source named Ω';
    const note = await create(usa, 'SECRET//REL TO USA, GBR', 'Harbour watch. ');
    await edit(usa, note.id, (t) => t.insert(t.length, secret));
    await edit(gbr, note.id, (t) => t.delete(t.toString().indexOf(secret), secret.length));
    await fdo.ok('object:remark', { workspaceId: cell.id, id: note.id, marking: 'SECRET//REL TO USA, AUS, GBR' });
    await aus.waitFor('object:added', (e: Envelope) => e.id === note.id);
    await edit(aus, note.id, (t) => t.insert(t.length, 'Two frigates.'));

    const ausList = await aus.ok('history:list', { workspaceId: cell.id, id: note.id });
    expect(ausList.versions.map((v) => [v.id, v.change])).toEqual([
      ['1.0', 'released'],
      ['1.1', 'edited'],
    ]);
    // Nothing of epoch 0 in anything AUS was sent: not the text, not GBR's name, not its times.
    const beforeTimes = (await gbr.ok('history:list', { workspaceId: cell.id, id: note.id })).versions.filter((v) => v.epoch === 0).map((v) => v.at);
    expect(beforeTimes).toHaveLength(3);
    const { view } = await aus.ok('history:version', { workspaceId: cell.id, id: note.id, version: '1.0' });
    expect(view.actors.map((a) => a.nation)).toEqual([null]);
    const seen = JSON.stringify([ausList, view]);
    expect(seen).not.toContain('CANARY');
    expect(seen).not.toContain('GBR');
    for (const at of beforeTimes) expect(seen).not.toContain(at);

    // The old audience (GBR) sees epoch 0 on, including the deleted secret's version.
    const gbrList = await gbr.ok('history:list', { workspaceId: cell.id, id: note.id });
    expect(gbrList.versions.map((v) => v.id)).toEqual(['0.0', '0.1', '0.2', '1.0', '1.1']);
    const { view: old } = await gbr.ok('history:version', { workspaceId: cell.id, id: note.id, version: '0.1' });
    expect(old.texts[0]!.runs.map((r) => r.text).join('')).toContain(secret);

    // A version from before AUS's epoch is answered as one that does not exist.
    const hidden = await aus.call('history:version', { workspaceId: cell.id, id: note.id, version: '0.1' });
    const absent = await aus.call('history:version', { workspaceId: cell.id, id: note.id, version: '7.3' });
    expect(hidden).toEqual(absent);
    expect(await aus.call('history:restore', { workspaceId: cell.id, id: note.id, version: '0.1' })).toEqual(absent);
    // Nor may the old audience put pre-release text back into the released object.
    const refused = await gbr.call('history:restore', { workspaceId: cell.id, id: note.id, version: '0.1' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await bodyText(gbr, note.id)).not.toContain(secret);
  });

  test('a hidden object answers history exactly as a missing one', async () => {
    const hidden = await create(usa, 'SECRET//NOFORN', 'US eyes only.');
    for (const event of ['history:list', 'history:version', 'history:restore'] as const) {
      const payload = (id: string) => ({ workspaceId: cell.id, id, ...(event === 'history:list' ? {} : { version: '0.0' }) });
      expect(await gbr.call(event, payload(hidden.id))).toEqual(await gbr.call(event, payload('no-such-object')));
    }
  });

  test('restore is a new edit by an editor, audited, and leaves the marking as it was', async () => {
    const note = await create(usa, 'SECRET//REL TO USA, GBR', 'Bridge intact.');
    await edit(gbr, note.id, (t) => {
      t.delete(0, t.length);
      t.insert(0, 'Bridge destroyed.');
    });
    expect(await viewer.call('history:restore', { workspaceId: cell.id, id: note.id, version: '0.0' })).toMatchObject({ ok: false });
    await usa.ok('history:restore', { workspaceId: cell.id, id: note.id, version: '0.0' });
    expect(await bodyText(gbr, note.id)).toBe('Bridge intact.');
    const { versions } = await gbr.ok('history:list', { workspaceId: cell.id, id: note.id });
    expect(versions.at(-1)).toMatchObject({ id: '0.2', change: 'edited', actor: { nation: 'USA' } });
    expect(await server.ctx.store.getObject(note.id)).toMatchObject({ marking: note.marking, epoch: note.epoch });
    const trail = await server.ctx.audit.listForWorkspace(cell.id, { afterSeq: 0, limit: 1000 });
    expect(trail.filter((e) => e.action === 'history.restore' && e.objectId === note.id)).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ nation: 'USA' }), detail: expect.objectContaining({ version: '0.0' }) }),
    ]);
  });
  },
);
