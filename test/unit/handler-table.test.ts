// Each socket event declares its checks once, and the dispatcher applies them: an event declared
// without them cannot be written (the compiler refuses it: `npm test` type-checks this file) nor
// registered (the dispatcher refuses the table at start-up).
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../server/handlers/dispatch';
import { event, type EventEntry } from '../../server/handlers/events';
import { EVENTS } from '../../server/handlers/table';

const answer = async () => ({});

describe('declaring an event', () => {
  it('needs its checks before its handler, and its handler sees only what they declare', () => {
    // Never run: what the compiler accepts and refuses is the test (`tsc` in `npm test`).
    const declarations = () => {
      // @ts-expect-error a handler cannot be declared before the event's checks
      event('doc:update').handle(answer);
      // @ts-expect-error the checks must say which cell the event needs, if any
      event('doc:update').checks({ role: { is: 'editor', to: 'edit objects' } });
      event('doc:sync')
        .checks({ cell: 'none' })
        // @ts-expect-error no cell declared: the handler has none to read
        .handle(async ({ cell }) => ({ docs: [], missing: [cell.workspace.id] }));
      event('workspace:leave')
        .checks({ cell: 'joined' })
        // @ts-expect-error no object declared: the handler has none to read
        .handle(async ({ object }) => (object.envelope ? {} : {}));
      event('object:remark')
        .checks({ cell: 'joined', object: (p) => p.id })
        // Declared: the visible object is there, never undefined.
        .handle(async ({ object }) => ({ object: object.envelope }));
    };
    expect(declarations).toBeTypeOf('function');
  });

  it('is refused at registration when it carries no checks', () => {
    const entries = (): EventEntry[] => [...EVENTS];
    const bare = { event: 'doc:update', handle: answer } as unknown as EventEntry;
    expect(() => createDispatcher([...entries().filter((e) => e.event !== 'doc:update'), bare])).toThrow(/doc:update declares no checks/);
    const unknownCell = { ...bare, checks: { cell: 'any' } } as unknown as EventEntry;
    expect(() => createDispatcher([...entries().filter((e) => e.event !== 'doc:update'), unknownCell])).toThrow(/declares no checks/);
    const objectOutsideCell = event('doc:update').checks({ cell: 'none', object: (p) => p.id }).handle(answer);
    expect(() => createDispatcher([...entries().filter((e) => e.event !== 'doc:update'), objectOutsideCell])).toThrow(/outside any cell/);
  });

  it('is refused when an event is missing or declared twice', () => {
    const all: EventEntry[] = [...EVENTS];
    expect(() => createDispatcher(all.filter((e) => e.event !== 'tearline:create'))).toThrow(/No handler is declared for tearline:create/);
    expect(() => createDispatcher([...all, all[0]!])).toThrow(/declared twice/);
    expect(() => createDispatcher(all)).not.toThrow();
  });
});
