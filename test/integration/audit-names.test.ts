// The audit trail names people (issue 17): each entry of `GET /api/workspaces/:id/audit` carries
// the actor's display name as they last opened the cell, beside the nation; the server itself has
// none, and the audit page shows "Name (NAT)". A person a detail names by account id (a suggestion
// decision's `author`) is shown the same way, looked up at read time outside the hash chain.
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { bytesOf } from '../../shared/protocol';
import { opsForEdit } from '../../shared/suggestions';
import type { AuditTrailPage } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { actorText, detailText } from '../../client/src/audit/auditText';
import { api, connect, createCell, startTestServer, tokenFor } from '../helpers/server';

let server: RunningServer;
let cellId: string;

beforeAll(async () => {
  server = await startTestServer();
  cellId = (await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Names', template: 'adhoc', members: ['USA', 'GBR'] })).id;
  const gbr = await connect(server.url, 'gbr-analyst');
  await gbr.ok('workspace:join', { workspaceId: cellId });
  await gbr.ok('object:create', { workspaceId: cellId, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'Quay 3 closed.' }) });
  gbr.close();
});
afterAll(async () => {
  await server.close();
});

test('each entry names its actor as they last opened the cell; one who never opened it keeps the account name', async () => {
  const { status, body } = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cellId}/audit`, undefined, await tokenFor(server.url, 'usa-fdo'));
  expect(status).toBe(200);
  const byAction = new Map(body.entries.map((entry) => [entry.action, entry]));
  const created = byAction.get('object.create')!;
  expect(created).toMatchObject({ actor: { sub: 'gbr-analyst', nation: 'GBR' }, actorName: 'Harriet Cole (GBR analyst)' });
  expect(actorText(created)).toBe('Harriet Cole (GBR analyst) (GBR)');
  // The cell was made over REST by someone who has not opened it yet: no name is known.
  const founded = byAction.get('workspace.create')!;
  expect(founded).toMatchObject({ actor: { sub: 'usa-analyst' }, actorName: null });
  expect(actorText(founded)).toBe('usa-analyst (USA)');
});

test('a suggestion decision names its author like an actor, outside the hash-chained detail', async () => {
  const usa = await connect(server.url, 'usa-analyst');
  const gbr = await connect(server.url, 'gbr-analyst');
  for (const client of [usa, gbr]) await client.ok('workspace:join', { workspaceId: cellId });
  const report = (await usa.ok('object:create', { workspaceId: cellId, kind: 'report', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ fields: { title: 'Quay' } }) })).object;
  const paragraph = (await usa.ok('object:create', { workspaceId: cellId, kind: 'portion', parentId: report.id, marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'Quay 3 open.' }) })).object;
  const { docs } = await gbr.ok('doc:sync', { workspaceId: cellId, docs: [{ id: paragraph.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  const suggestion = (await gbr.ok('suggestion:create', { workspaceId: cellId, onId: paragraph.id, ops: opsForEdit(bodyOf(doc), 'Quay 3 closed.') })).object;
  await usa.ok('suggestion:decide', { workspaceId: cellId, id: suggestion.id, decision: 'accept' });
  for (const client of [usa, gbr]) client.close();
  const { body } = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cellId}/audit`, undefined, await tokenFor(server.url, 'usa-fdo'));
  const accepted = body.entries.find((entry) => entry.action === 'suggestion.accept')!;
  // The chained detail keeps the account id; the name comes beside it.
  expect(accepted.detail).toMatchObject({ author: 'gbr-analyst' });
  expect(accepted.people).toEqual({ 'gbr-analyst': { name: 'Harriet Cole (GBR analyst)', nation: 'GBR' } });
  expect(detailText({ author: accepted.detail.author! }, (id) => id, accepted.people)).toBe('author: Harriet Cole (GBR analyst) (GBR)');
});
