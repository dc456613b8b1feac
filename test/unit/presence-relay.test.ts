// Presence relayed between nodes (server/rooms/presenceRelay.ts): the receiving node filters with
// its own envelopes and fails closed. A pointer into an object whose marking the sender held at a
// newer version than this node makes this node read the envelope again first; if that read fails,
// the pointer is stripped. A malformed message is dropped. In-memory doubles.
import { expect, test } from 'vitest';
import type { PresenceState } from '../../shared/protocol';
import type { PresenceChange } from '../../server/rooms/presenceBatch';
import { presenceMessage, receivePresence, type PresenceRelayPorts } from '../../server/rooms/presenceRelay';
import type { Cell } from '../../server/workspaces/cellRegistry';

const state = (objectId?: string): PresenceState => ({
  clientId: 'c1',
  sub: 'usa-analyst',
  name: 'USA analyst',
  nation: 'USA',
  ...(objectId ? { objectId, cursor: { anchor: 1, head: 2 } } : {}),
  view: 'map',
});

function ports(held: Map<string, number>, refresh: (id: string) => Promise<void>) {
  const cell = { workspace: { id: 'cell' } } as unknown as Cell;
  const sent: PresenceChange[][] = [];
  const refreshed: string[] = [];
  const warnings: string[] = [];
  const p: PresenceRelayPorts = {
    loaded: (id) => Promise.resolve(id === 'cell' ? cell : undefined),
    markingVersionHeld: (id) => held.get(id),
    refresh: async (_cell, id) => {
      refreshed.push(id);
      await refresh(id);
    },
    sendLocal: (_cell, changes) => sent.push(changes),
    log: { warn: (_d, message) => warnings.push(message) },
  };
  return { p, sent, refreshed, warnings };
}

test('the message names the version the sender holds of each object pointed into', () => {
  const message = presenceMessage('cell', [state('x'), state(), { clientId: 'c2', removed: true }], (id) => (id === 'x' ? 3 : undefined));
  expect(message.versions).toEqual({ x: 3 });
  expect(message.changes).toHaveLength(3);
});

test('a node holding the same or a newer version filters with its own envelope, reading nothing', async () => {
  const { p, sent, refreshed } = ports(new Map([['x', 4]]), async () => undefined);
  await receivePresence(p, presenceMessage('cell', [state('x')], () => 3));
  expect(refreshed).toEqual([]);
  expect(sent).toEqual([[state('x')]]);
});

test('a node behind the sender reads the envelope again before it sends', async () => {
  const held = new Map([['x', 2]]);
  const { p, sent, refreshed } = ports(held, async (id) => void held.set(id, 3));
  await receivePresence(p, presenceMessage('cell', [state('x')], () => 3));
  expect(refreshed).toEqual(['x']);
  expect(sent).toEqual([[state('x')]]);
});

test('a node that cannot catch up (the read fails, or it holds no version) strips the pointer', async () => {
  const { p, sent } = ports(new Map([['x', 2]]), () => Promise.reject(new Error('PostgreSQL away')));
  await receivePresence(p, presenceMessage('cell', [state('x'), state('y')], () => 3));
  const { objectId: _o, cursor: _c, ...stripped } = state('x');
  expect(sent).toEqual([[stripped, stripped]]);
});

test('a malformed message, or one for a cell this node does not hold, sends nothing', async () => {
  const { p, sent, warnings } = ports(new Map(), async () => undefined);
  await receivePresence(p, { workspaceId: 'cell', changes: [{ clientId: 'c1', objectId: 'x', evil: true }], versions: {} });
  await receivePresence(p, presenceMessage('other', [state()], () => 1));
  expect(sent).toEqual([]);
  expect(warnings).toHaveLength(1);
});
