// `npm run bench -- heap-diff`: a heap snapshot's bytes by constructor (closures by name, arrays by kind).
import { expect, test } from 'vitest';
import { sizesByConstructor } from '../../bench/heap-diff';

test('sums self sizes per constructor; closures and arrays keep their names, other types their type', () => {
  const snapshot = {
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure']] as [string[]] } },
    strings: ['Socket', '(object properties)', 'text', 'onData'],
    // type, name, id, self_size, edge_count
    nodes: [3, 0, 1, 100, 0, 3, 0, 3, 60, 0, 1, 1, 5, 40, 0, 2, 2, 7, 24, 0, 5, 3, 9, 32, 0],
  };
  expect(Object.fromEntries(sizesByConstructor(snapshot))).toEqual({
    Socket: { bytes: 160, count: 2 },
    '(array) (object properties)': { bytes: 40, count: 1 },
    '(string)': { bytes: 24, count: 1 },
    '(closure) onData': { bytes: 32, count: 1 },
  });
});
