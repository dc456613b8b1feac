// @vitest-environment happy-dom
// A replica's view binding (hooks.ts useReplicaDoc): subscribe and getVersion are the class's
// methods, shared by every replica (a cell of 50,000 objects holds a replica each; two closures
// apiece were memory and, under tsx, load time), and a view still re-renders on each change.
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { useReplicaDoc } from '../../client/src/session/hooks';
import { ObjectReplica } from '../../client/src/session/replica';

afterEach(cleanup);

test('replicas hold no view closures of their own', () => {
  const a = new ObjectReplica('a', 0, buildContent({ body: 'A' }), null);
  const b = new ObjectReplica('b', 0, buildContent({ body: 'B' }), null);
  expect(Object.hasOwn(a, 'subscribe')).toBe(false);
  expect(Object.hasOwn(a, 'getVersion')).toBe(false);
  expect(a.subscribe).toBe(b.subscribe);
});

test('a view of a replica re-renders on a remote change, and stops listening once unmounted', () => {
  const server = new Y.Doc();
  Y.applyUpdate(server, buildContent({ body: 'Convoy.' }));
  const replica = new ObjectReplica('a', 0, Y.encodeStateAsUpdate(server), null);
  const edit = (text: string) => {
    const before = Y.encodeStateVector(server);
    bodyOf(server).insert(bodyOf(server).length, text);
    replica.applyRemote(Y.encodeStateAsUpdate(server, before));
  };
  const seen: string[] = [];
  function Body() {
    const doc = useReplicaDoc(replica);
    seen.push(doc ? bodyOf(doc).toString() : '');
    return null;
  }
  const view = render(<Body />);
  act(() => edit(' Six trucks.'));
  expect(seen.at(-1)).toBe('Convoy. Six trucks.');
  view.unmount();
  const renders = seen.length;
  edit(' Moving north.');
  expect(seen).toHaveLength(renders);
  expect(bodyOf(replica.doc).toString()).toBe('Convoy. Six trucks. Moving north.');
});
