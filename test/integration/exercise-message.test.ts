// A `message` inject reaches the role player it names, and only them: the scenario maps each
// participant to a real person (`sub`); the message is a note of its own marking in the cell
// (title only) and a notification with the text to that person, filtered like everything else: an
// addressee who may not see the message's marking is not told, and nobody else at the same level
// is given the text.
import { afterEach, expect, test } from 'vitest';
import type { Notification } from '../../shared/notifications';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import type { RestAnswers } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { api, connect, settle, startTestServer, tokenFor } from '../helpers/server';

const SCENARIO = `id: messages
title: Messages to role players
start: 2025-03-04T06:00:00Z
cells:
  - { id: cell, name: Drill cell, template: adhoc, members: [USA, GBR, JPN], systemHigh: SECRET }
participants:
  - { id: us-1, name: US analyst, nation: USA, clearance: SECRET }
  - { id: gb-watch, name: UK watch officer, nation: GBR, clearance: SECRET, exerciseRole: role_player, sub: gbr-analyst }
  - { id: jp-watch, name: JP watch officer, nation: JPN, clearance: SECRET, exerciseRole: role_player, sub: jpn-analyst }
msel:
  - id: M-01
    at: "+00:01"
    author: GBR
    kind: message
    to: [gb-watch]
    marking: SECRET//REL TO USA, GBR, JPN
    title: Coastguard asks for the assessment
    content: MESSAGE-TEXT-CANARY
  - id: M-02
    at: "+00:02"
    author: USA
    kind: message
    to: [jp-watch]
    marking: SECRET//NOFORN
    title: Not for Japan
    content: NOFORN-MESSAGE-CANARY
`;

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('a message reaches its addressee alone, as a notification filtered by its marking', async () => {
  server = await startTestServer();
  const created = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, await tokenFor(server.url, 'usa-excon'));
  expect(created.status).toBe(201);
  const cell: WorkspaceSummary = created.body.exercise.cells[0]!;
  const [excon, gbr, jpn, usa] = await Promise.all(['usa-excon', 'gbr-analyst', 'jpn-analyst', 'usa-secret'].map((p) => connect(server!.url, p)));
  for (const c of [excon!, gbr!, jpn!, usa!]) await c.ok('workspace:join', { workspaceId: cell.id });
  await excon!.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 150_000 } });

  const told: Notification = await gbr!.waitFor('notification', (n: Notification) => n.kind === 'exercise_message');
  expect(told).toMatchObject({ message: { title: 'Coastguard asks for the assessment', text: 'MESSAGE-TEXT-CANARY' }, actor: { nation: 'GBR' } });
  const note: Envelope = await jpn!.waitFor('object:added', (e: Envelope) => e.id === told.objectId);
  expect(note).toMatchObject({ kind: 'note', marking: 'SECRET//REL TO USA, GBR, JPN' });
  await settle(excon!, gbr!, jpn!, usa!);

  // The note holds the title only: its text went to the addressee alone.
  const { docs } = await jpn!.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: note.id }] });
  expect(Buffer.from(docs[0]!.update).toString('latin1')).not.toContain('MESSAGE-TEXT-CANARY');
  for (const other of [jpn!, usa!]) {
    const bytes = JSON.stringify(other.frames.map((f) => f.payload));
    expect(bytes).not.toContain('MESSAGE-TEXT-CANARY');
    expect(bytes).not.toContain('NOFORN-MESSAGE-CANARY');
  }
  // Japan's role player is addressed by the NOFORN message but may not see it: never told.
  expect(jpn!.frames.filter((f) => f.event === 'notification')).toEqual([]);
  const listed: Notification[] = (await jpn!.ok('notifications:list', { workspaceId: cell.id })).notifications;
  expect(listed).toEqual([]);
  const gbrList: Notification[] = (await gbr!.ok('notifications:list', { workspaceId: cell.id })).notifications;
  expect(gbrList.map((n) => n.message?.text)).toEqual(['MESSAGE-TEXT-CANARY']);
  const { msel } = await excon!.ok('exercise:msel', { workspaceId: cell.id });
  expect(msel.map((row: { state: string }) => row.state)).toEqual(['released', 'released']);
  for (const c of [excon!, gbr!, jpn!, usa!]) c.close();
});
