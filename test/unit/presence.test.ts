// Presence never tells a participant about an object they may not see, nor about people outside
// their cell: a state pointing into such an object reaches their level without the pointer, also
// when the object was re-marked while the state waited for its window. In-memory doubles.
import pino from 'pino';
import { expect, test } from 'vitest';
import type { PresenceState } from '../../shared/protocol';
import { presenceForLevel, sendPresence } from '../../server/rooms/presence';
import { PresenceBatcher } from '../../server/rooms/presenceBatch';
import { contextWith, envelope, fakeCell, FakeIo, joinedSocket, participants } from '../helpers/fakeSocket';

const { usaTopSecret, gbrSecret, jpnSecret } = participants;
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

const pointing = (objectId: string): PresenceState => ({
  clientId: 'usa-1',
  sub: 'usa-analyst',
  name: 'USA analyst',
  nation: 'USA',
  objectId,
  cursor: { anchor: 3, head: 9 },
  view: 'map',
});

function setup() {
  const io = new FakeIo();
  const cell = fakeCell([envelope('rel', 'SECRET//REL TO USA, GBR'), envelope('noforn', 'SECRET//NOFORN')], [usaTopSecret, gbrSecret, jpnSecret]);
  const ctx = contextWith({ io: io.asServer(), log: pino({ level: 'silent' }) });
  const usa = joinedSocket(io, cell, 'usa-1', usaTopSecret, { presence: pointing('rel') });
  const gbr = joinedSocket(io, cell, 'gbr-1', gbrSecret, { encoding: 'base64' });
  const jpn = joinedSocket(io, cell, 'jpn-1', jpnSecret);
  return { io, cell, ctx, usa, gbr, jpn };
}

const { objectId: _o, cursor: _c, ...withoutPointer } = pointing('rel');

test('a state is stripped of its object and cursor for a level that may not see the object, and kept as it is otherwise', () => {
  const { cell } = setup();
  const state = pointing('rel');
  expect(presenceForLevel(cell, state, 'GBR|S|')).toBe(state);
  expect(presenceForLevel(cell, state, 'JPN|S|')).toEqual(withoutPointer);
  expect(presenceForLevel(cell, pointing('noforn'), 'GBR|S|')).toEqual(withoutPointer);
  // An object that does not exist is treated as one that may not be seen.
  expect(presenceForLevel(cell, pointing('absent'), 'USA|TS|')).toEqual(withoutPointer);
  const plain = { clientId: 'x', sub: 'x', name: 'x', nation: 'JPN', view: 'map' };
  expect(presenceForLevel(cell, plain, 'JPN|S|')).toBe(plain);
});

test("a window's changes reach each level as it may see them, with who left", async () => {
  const { io, cell, ctx, usa, gbr, jpn } = setup();
  sendPresence(ctx, cell, [pointing('rel'), { clientId: 'gone-1', removed: true }], new Set());
  await settle();
  expect(usa.got('awareness')).toEqual([{ workspaceId: 'w1', states: [pointing('rel')], removed: ['gone-1'] }]);
  expect(gbr.got('awareness')).toEqual([{ workspaceId: 'w1', states: [pointing('rel')], removed: ['gone-1'] }]);
  expect(jpn.got('awareness')).toEqual([{ workspaceId: 'w1', states: [withoutPointer], removed: ['gone-1'] }]);
  // The levels that see the same share one frame.
  expect(io.emitted('awareness')).toHaveLength(2);
});

test("newcomers get everyone's state in their cell, as their level may see it, and nobody's from another cell", async () => {
  const { io, cell, ctx, usa, gbr, jpn } = setup();
  const elsewhere = fakeCell([], [usaTopSecret], 'w2');
  const other = joinedSocket(io, elsewhere, 'usa-other-cell', usaTopSecret, { presence: { ...pointing('rel'), clientId: 'usa-other-cell' } });
  sendPresence(ctx, cell, [], new Set(['gbr-1', 'jpn-1']));
  await settle();
  const gbrSees = gbr.got<{ states: PresenceState[] }>('awareness');
  const jpnSees = jpn.got<{ states: PresenceState[] }>('awareness');
  expect(gbrSees).toHaveLength(1);
  expect(jpnSees).toHaveLength(1);
  expect(gbrSees[0]!.states.map((state) => state.clientId).sort()).toEqual(['gbr-1', 'jpn-1', 'usa-1']);
  expect(gbrSees[0]!.states.find((state) => state.clientId === 'usa-1')).toEqual(pointing('rel'));
  expect(jpnSees[0]!.states.find((state) => state.clientId === 'usa-1')).toEqual(withoutPointer);
  // Those who were there already get nothing new; the other cell hears nothing.
  expect(usa.received).toEqual([]);
  expect(other.received).toEqual([]);
});

test('a state waiting for its window when its object is re-marked leaves filtered by the new marking', async () => {
  const { cell, ctx, usa, gbr } = setup();
  const batcher = new PresenceBatcher((c, changes, newcomers) => sendPresence(ctx, c, changes, newcomers), () => 0);
  batcher.offer(cell, pointing('rel'));
  cell.index.put({ ...cell.index.get('rel')!.envelope, marking: 'SECRET//NOFORN' });
  await settle();
  batcher.close();
  expect(gbr.got('awareness')).toEqual([{ workspaceId: 'w1', states: [withoutPointer] }]);
  expect(usa.got('awareness')).toEqual([{ workspaceId: 'w1', states: [pointing('rel')] }]);
});
