// The exercise join gate on a session already in a cell (server/handlers/dispatch.ts): once the
// gate no longer admits the person (an EXCON reset, learnt by this node a claim round late), any
// event in the cell leaves it, audited, and answers `not_found` as for a non-member; a session the
// gate admits, or any session of a real cell, goes on.
import { describe, expect, it } from 'vitest';
import { createDispatcher, type BaseCall } from '../../server/handlers/dispatch';
import type { Context } from '../../server/handlers/context';
import { EVENTS } from '../../server/handlers/table';
import type { SessionData, TearlineSocket } from '../../server/sessions/session';

function setup(exercise: boolean, admitted: boolean) {
  const audited: string[] = [];
  const left: string[] = [];
  const cell = { workspace: { id: 'w1', exercise }, index: {} };
  const ctx = {
    cells: { get: async (id: string) => (id === 'w1' ? cell : undefined), ready: (id: string) => (id === 'w1' ? cell : undefined), hold: () => () => undefined },
    exercises: { find: (id: string) => (exercise && id === 'w1' ? { admits: () => admitted, watcherRole: () => undefined } : undefined) },
    presence: { offer: () => undefined },
    audit: { append: async (entry: { action: string }) => void audited.push(entry.action) },
    config: { redisUrl: undefined },
    notifier: { list: async () => [] },
  } as unknown as Context;
  const session = {
    identity: { sub: 'kor-analyst', name: 'Kim', roles: ['editor'] },
    participant: { nation: 'KOR', clearance: 'SECRET', compartments: [] },
    level: 'KOR|S|',
    joined: new Set(['w1']),
    encoding: 'binary',
    presence: {},
  } as unknown as SessionData;
  const socket = { id: 's1', data: session, leave: async (room: string) => void left.push(room) } as unknown as TearlineSocket;
  const call = { ctx, socket, session, payload: { workspaceId: 'w1' }, release: () => undefined, renewExpiry: () => undefined } as unknown as BaseCall<'notifications:list'>;
  return { dispatch: createDispatcher(EVENTS), call, session, audited, left };
}

describe('the join gate on a joined session', () => {
  it('takes a session the gate no longer admits out of the cell, audited, with the non-member answer', async () => {
    const { dispatch, call, session, audited, left } = setup(true, false);
    await expect(dispatch('notifications:list', call)).rejects.toMatchObject({ code: 'not_found', message: 'No cell with this id is open to your nation.' });
    expect(session.joined.has('w1')).toBe(false);
    expect(left.length).toBeGreaterThan(0);
    expect(audited).toEqual(['workspace.leave']);
  });

  it('lets an admitted session, and any session of a real cell, go on', async () => {
    for (const [exercise, admitted] of [
      [true, true],
      [false, false],
    ] as const) {
      const { dispatch, call, session, audited } = setup(exercise, admitted);
      await expect(dispatch('notifications:list', call)).resolves.toEqual({ notifications: [] });
      expect(session.joined.has('w1')).toBe(true);
      expect(audited).toEqual([]);
    }
  });
});
