// The audit trail names people (issue 17): each entry of `GET /api/workspaces/:id/audit` carries
// the actor's display name as they last opened the cell, beside the nation; the server itself has
// none, and the audit page shows "Name (NAT)".
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import type { AuditTrailPage } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { actorText } from '../../client/src/audit/auditText';
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
