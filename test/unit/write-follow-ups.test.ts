// What a durable edit calls for besides its content (an audited move, a thread resolved, an RFI
// assigned) is a promise only when there is such work: an ordinary edit gets nothing to await, so
// its answer is not held up by microtasks for work it does not have.
import { expect, test, vi } from 'vitest';
import { afterWrite } from '../../server/handlers/comments';
import type { Context } from '../../server/handlers/context';
import { auditMove } from '../../server/objects/moves';
import type { SessionData } from '../../server/sessions/session';
import { noteEnvelope } from '../helpers/envelopes';

const actor = { sub: 'usa-analyst', nation: 'USA' };
const session = { identity: { ...actor, name: 'Analyst' }, participant: { nation: 'USA' } } as unknown as SessionData;

function fakeContext() {
  const append = vi.fn(async () => undefined);
  const send = vi.fn(async () => undefined);
  return { ctx: { audit: { append }, notifier: { send } } as unknown as Context, append, send };
}

test('an edit that moves nothing is no audit work; a feature whose geometry was written is one entry', async () => {
  const { ctx, append } = fakeContext();
  const moved = { workspaceId: 'w', objectId: 'o', marking: 'UNCLASSIFIED', actor };
  expect(auditMove(ctx.audit, { ...moved, kind: 'note', written: new Map([['title', 'x']]) })).toBeUndefined();
  expect(auditMove(ctx.audit, { ...moved, kind: 'feature', written: new Map([['title', 'x']]) })).toBeUndefined();
  expect(append).not.toHaveBeenCalled();
  const geometry = { type: 'Point', coordinates: [2.35, 48.85] };
  await auditMove(ctx.audit, { ...moved, kind: 'feature', written: new Map([['geometry', geometry]]) });
  expect(append).toHaveBeenCalledWith(expect.objectContaining({ action: 'object.move', objectId: 'o' }));
});

test('an ordinary write calls for nothing more; a thread resolved is audited, an RFI assigned tells its nation', async () => {
  const { ctx, append, send } = fakeContext();
  expect(afterWrite(ctx, session, noteEnvelope('n'), new Map([['title', 'x']]))).toBeUndefined();
  expect(afterWrite(ctx, session, noteEnvelope('c', { kind: 'comment' }), new Map())).toBeUndefined();
  expect(append).not.toHaveBeenCalled();
  expect(send).not.toHaveBeenCalled();
  await afterWrite(ctx, session, noteEnvelope('c', { kind: 'comment' }), new Map([['resolved', true]]));
  expect(append).toHaveBeenCalledWith(expect.objectContaining({ action: 'comment.resolve', objectId: 'c' }));
  await afterWrite(ctx, session, noteEnvelope('r', { kind: 'rfi' }), new Map([['assignedNation', 'GBR']]));
  expect(send).toHaveBeenLastCalledWith([expect.objectContaining({ notification: expect.objectContaining({ kind: 'rfi_assigned', objectId: 'r' }) })]);
});
