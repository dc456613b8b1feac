// Moves of map features are detected and audited by the server (a client's claim is not needed or
// trusted): each durable update that writes a feature's geometry appends `object.move`, with the
// mover's identity and the marking at that moment. Readers see a move's position (in the audit
// trail and the track history) only if they may read the feature as it was marked then: a release
// never hands over where it was while it was hidden from them. Where it was placed is the track's
// first point, under the same rule.
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { buildContent, fieldsOf } from '../../shared/content';
import type { AuditTrailPage, CellTracks, FeatureTrack } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { api, connect, createCell, startTestServer, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** Sets fields on the object's current content and sends the change as one doc:update. */
async function edit(client: TestClient, workspaceId: string, id: string, fields: Record<string, unknown>): Promise<void> {
  const { docs } = await client.ok('doc:sync', { workspaceId, docs: [{ id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, docs[0]!.update as Uint8Array);
  const before = Y.encodeStateVector(doc);
  doc.transact(() => Object.entries(fields).forEach(([key, value]) => fieldsOf(doc).set(key, value)));
  await client.ok('doc:update', { workspaceId, id, epoch: docs[0]!.epoch, update: Y.encodeStateAsUpdate(doc, before) });
}

const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

test('moves are audited with the mover and the marking; positions reach only those who could see them then', async () => {
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Moves', template: 'fvey' });
  const usa = await connect(server.url, 'usa-analyst');
  const fdo = await connect(server.url, 'usa-fdo');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  await fdo.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await usa.ok('object:create', {
    workspaceId: cell.id,
    kind: 'feature',
    marking: 'SECRET//NOFORN',
    content: buildContent({ fields: { name: 'Contact', geometry: point(125, 26) } }),
  });

  await edit(usa, cell.id, object.id, { geometry: point(125.5, 26.5) }); // while NOFORN
  await edit(usa, cell.id, object.id, { name: 'Renamed' }); // not a move
  await fdo.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, AUS' });
  await edit(usa, cell.id, object.id, { geometry: point(126, 27) }); // once released to AUS
  usa.close();
  fdo.close();

  const trail = async (persona: string) =>
    (await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, persona))).body.entries.filter((e) => e.action === 'object.move');
  expect((await trail('usa-fdo')).map((e) => [e.actor.sub, e.objectId, e.detail])).toEqual([
    ['usa-analyst', object.id, { marking: 'SECRET//NOFORN', shape: 'Point', to: [125.5, 26.5] }],
    ['usa-analyst', object.id, { marking: 'SECRET//REL TO USA, AUS', shape: 'Point', to: [126, 27] }],
  ]);
  // The British FDO may not see the feature: no trace of its moves.
  expect(await trail('gbr-fdo')).toEqual([]);

  const track = async (persona: string) =>
    api<FeatureTrack>(server.url, 'GET', `/api/workspaces/${cell.id}/objects/${object.id}/track`, undefined, await tokenFor(server.url, persona));
  // Where it was placed comes first, then each move, each with who made it (name and nation).
  const usaTrack = (await track('usa-analyst')).body.points;
  expect(usaTrack.map((p) => [p.event, p.actor.sub, p.actor.nation, p.position])).toEqual([
    ['placed', 'usa-analyst', 'USA', [125, 26]],
    ['moved', 'usa-analyst', 'USA', [125.5, 26.5]],
    ['moved', 'usa-analyst', 'USA', [126, 27]],
  ]);
  expect(usaTrack.every((p) => typeof p.actorName === 'string' && p.actorName.length > 0)).toBe(true);
  // Australia sees only where it went after the release, not where it was placed or moved while NOFORN.
  const ausTrack = await track('aus-analyst');
  expect(ausTrack.body.points.map((p) => [p.event, p.position])).toEqual([['moved', [126, 27]]]);
  expect(JSON.stringify(ausTrack.body)).not.toMatch(/125\.5|26\.5|\[125,26\]/);
  // Its creation entry in the audit trail holds where it was placed (test/unit/audit-visibility.test.ts: shown like a move).
  const created = (await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, 'usa-fdo'))).body.entries.find(
    (e) => e.action === 'object.create' && e.objectId === object.id,
  );
  expect(created?.detail).toEqual({ kind: 'feature', marking: 'SECRET//NOFORN', to: [125, 26] });
  const gbr = await track('gbr-analyst');
  expect(gbr.status).toBe(404);
  const absent = await api<unknown>(server.url, 'GET', `/api/workspaces/${cell.id}/objects/nope/track`, undefined, await tokenFor(server.url, 'gbr-analyst'));
  expect(absent).toEqual(gbr);
});

test('the whole picture’s tracks, for replay in time: each feature the reader may see, each position only if it was theirs then', async () => {
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Picture replay', template: 'fvey' });
  const usa = await connect(server.url, 'usa-analyst');
  const fdo = await connect(server.url, 'usa-fdo');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  await fdo.ok('workspace:join', { workspaceId: cell.id });
  const create = async (name: string, marking: string, at: [number, number]) =>
    (await usa.ok('object:create', { workspaceId: cell.id, kind: 'feature', marking, content: buildContent({ fields: { name, geometry: point(...at) } }) })).object;
  const released = await create('Released later', 'SECRET//NOFORN', [120, 20]);
  const shared = await create('Shared', 'SECRET//REL TO USA, AUS', [121, 21]);
  const hidden = await create('NOFORN-CANARY', 'SECRET//NOFORN', [122.345, 22.345]);
  const note = (await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, AUS', content: buildContent({ body: 'not on the map' }) })).object;
  await edit(usa, cell.id, released.id, { geometry: point(120.5, 20.5) });
  await edit(usa, cell.id, shared.id, { geometry: point(121.5, 21.5) });
  await edit(usa, cell.id, hidden.id, { geometry: point(122.678, 22.678) });
  await fdo.ok('object:remark', { workspaceId: cell.id, id: released.id, marking: 'SECRET//REL TO USA, AUS' });
  await edit(usa, cell.id, released.id, { geometry: point(120.75, 20.75) });
  usa.close();
  fdo.close();

  const tracks = async (persona: string) => {
    const { status, body } = await api<CellTracks>(server.url, 'GET', `/api/workspaces/${cell.id}/tracks`, undefined, await tokenFor(server.url, persona));
    expect(status).toBe(200);
    return Object.fromEntries(Object.entries(body.tracks).map(([id, points]) => [id, points.map((p) => [p.event, p.position])]));
  };
  expect(await tracks('usa-analyst')).toEqual({
    [released.id]: [['placed', [120, 20]], ['moved', [120.5, 20.5]], ['moved', [120.75, 20.75]]],
    [shared.id]: [['placed', [121, 21]], ['moved', [121.5, 21.5]]],
    [hidden.id]: [['placed', [122.345, 22.345]], ['moved', [122.678, 22.678]]],
  });
  const aus = await api<CellTracks>(server.url, 'GET', `/api/workspaces/${cell.id}/tracks`, undefined, await tokenFor(server.url, 'aus-analyst'));
  expect(await tracks('aus-analyst')).toEqual({
    [released.id]: [['moved', [120.75, 20.75]]],
    [shared.id]: [['placed', [121, 21]], ['moved', [121.5, 21.5]]],
  });
  // Not a trace of the NOFORN feature or of where the released one was while NOFORN, nor of the note.
  const bytes = JSON.stringify(aus.body);
  for (const trace of [hidden.id, '122.345', '122.678', '120.5', note.id]) expect(bytes).not.toContain(trace);
  expect(await tracks('gbr-analyst')).toEqual({});
  // A nation outside the cell learns nothing, not even that the cell exists.
  const outsider = await api<unknown>(server.url, 'GET', `/api/workspaces/${cell.id}/tracks`, undefined, await tokenFor(server.url, 'jpn-analyst'));
  const nowhere = await api<unknown>(server.url, 'GET', `/api/workspaces/no-such-cell/tracks`, undefined, await tokenFor(server.url, 'jpn-analyst'));
  expect(outsider.status).toBe(404);
  expect(outsider).toEqual(nowhere);
});
