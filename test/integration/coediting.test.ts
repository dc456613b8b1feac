// Live co-editing in one portion by two nations (a cell set to direct editing across nations),
// while partners outside its REL TO see nothing.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, replica, settle, startTestServer, tokenFor } from '../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

test('USA and GBR type into one REL TO USA, GBR portion concurrently and converge; AUS and JPN see nothing', async () => {
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), {
    name: 'Coediting',
    template: 'adhoc',
    members: ['USA', 'GBR', 'AUS', 'JPN'],
    // Two nations typing in one paragraph: a cell that allows direct editing across nations.
    crossNationEditing: 'direct',
  });
  const [usa, gbr, aus, jpn] = await Promise.all(
    ['usa-analyst', 'gbr-analyst', 'aus-analyst', 'jpn-analyst'].map((p) => connect(server.url, p)),
  );
  for (const client of [usa!, gbr!, aus!, jpn!]) await client.ok('workspace:join', { workspaceId: cell.id });

  const { object: report } = await usa!.ok('object:create', {
    workspaceId: cell.id,
    kind: 'report',
    marking: 'SECRET//REL TO USA, GBR, AUS, JPN',
    content: buildContent({ fields: { title: 'Harbour activity' } }),
  });
  const { object: portion } = await usa!.ok('object:create', {
    workspaceId: cell.id,
    kind: 'portion',
    parentId: report.id,
    marking: '(S//REL TO USA, GBR)',
    content: buildContent({ body: 'CANARY-PORTION-7 ' }),
  });
  expect(portion.portion).toBe('(S//REL TO USA, GBR)');
  await gbr!.waitFor('object:added', (e) => e.id === portion.id);

  const us = await replica(usa!, cell.id, portion);
  const gb = await replica(gbr!, cell.id, portion);
  // Concurrent typing: both insert at the same places before seeing each other's edits.
  for (let i = 0; i < 20; i++) {
    bodyOf(us.doc).insert(0, `u${i} `);
    bodyOf(gb.doc).insert(bodyOf(gb.doc).length, `g${i} `);
  }
  await Promise.all([...us.acks, ...gb.acks]);
  await settle(usa!, gbr!, aus!, jpn!);
  await new Promise((r) => setTimeout(r, 100));
  expect(bodyOf(us.doc).toString()).toBe(bodyOf(gb.doc).toString());
  expect(bodyOf(us.doc).toString()).toContain('u19');
  expect(bodyOf(us.doc).toString()).toContain('g19');

  for (const partner of [aus!, jpn!]) {
    // Partners see the report (released to them) but never the portion, its id or its text.
    expect(partner.frames.some((f) => f.event === 'object:added' && (f.payload as Envelope).id === report.id)).toBe(true);
    const raw = JSON.stringify(partner.frames.map((f) => [f.event, f.payload, Buffer.from(JSON.stringify(f.payload))]));
    expect(raw).not.toContain(portion.id);
    expect(partner.frames.some((f) => f.event === 'doc:update')).toBe(false);
    const answer = await partner.call('doc:sync', { workspaceId: cell.id, docs: [{ id: portion.id }] });
    expect(answer).toEqual({ ok: true, docs: [], missing: [portion.id] });
    const write = await partner.call('doc:update', { workspaceId: cell.id, id: portion.id, epoch: 0, update: new Uint8Array([0, 0]) });
    expect(write).toMatchObject({ ok: false, error: { code: 'not_found' } });
  }
  for (const client of [usa!, gbr!, aus!, jpn!]) client.close();
});
