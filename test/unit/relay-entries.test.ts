// The relay's pure parts: entries are checked on read (a bad one is refused with a reason, never
// thrown), a cell always maps to the same shard, and sequence numbers show gaps and duplicates.
import { describe, expect, test } from 'vitest';
import { decodeEntry, encodeEntry, RELAY_SHARDS, shardOf, STREAM_PREFIX, streamOf, type RelayEntry } from '../../server/relay/entries';
import { SeqTracker } from '../../server/objects/seqTracker';

describe('relay entries', () => {
  const update: RelayEntry = { kind: 'update', node: 'node-1', workspaceId: 'ws', objectId: 'o', epoch: 0, seq: 3, markingVersion: 2, update: 'AAA=', owners: [[7, 'usa-analyst']] };

  test('an entry comes back as it was sent', () => {
    expect(decodeEntry(encodeEntry(update))).toEqual({ entry: update });
    const level: RelayEntry = { kind: 'level', node: 'n', workspaceId: 'ws', level: 'USA|SECRET|' };
    expect(decodeEntry(encodeEntry(level))).toEqual({ entry: level });
  });

  test('an update names the node that stored it, for that node to skip it unread; other entries name none', () => {
    expect(encodeEntry(update)).toMatchObject({ w: 'ws', n: 'node-1' });
    expect(encodeEntry({ kind: 'remark', node: 'node-1', workspaceId: 'ws', objectId: 'o', epoch: 1, seq: 4, markingVersion: 3 })).not.toHaveProperty('n');
    expect(encodeEntry({ kind: 'level', node: 'node-1', workspaceId: 'ws', level: 'USA|SECRET|' })).not.toHaveProperty('n');
  });

  test.each(['delete', 'restore', 'move'] as const)('a %s entry comes back as it was sent', (kind) => {
    const entry: RelayEntry = { kind, node: 'node-1', workspaceId: 'ws', objectId: 'o', epoch: 1, seq: 4, markingVersion: 2 };
    expect(decodeEntry(encodeEntry(entry))).toEqual({ entry });
  });

  test.each([
    ['not JSON', { e: '{' }],
    ['no field', {}],
    ['an unknown kind', { e: JSON.stringify({ ...update, kind: 'erase' }) }],
    ['a deletion without its object', { e: JSON.stringify({ kind: 'delete', node: 'n', workspaceId: 'ws', epoch: 0, seq: 0, markingVersion: 1 }) }],
    ['a move with a negative sequence number', { e: JSON.stringify({ kind: 'move', node: 'n', workspaceId: 'ws', objectId: 'o', epoch: 0, seq: -1, markingVersion: 1 }) }],
    ['a negative number', { e: JSON.stringify({ ...update, seq: -1 }) }],
    ['a missing object id', { e: JSON.stringify({ ...update, objectId: undefined }) }],
    ['an entry whose cell field names another cell than its body (nodes skip entries by that field)', { e: JSON.stringify(update), w: 'another-cell' }],
    ['an update whose node field names another node than its body (that node would skip it unread)', { e: JSON.stringify(update), w: 'ws', n: 'node-2' }],
    ['a node field on an entry that is not an update', { e: JSON.stringify({ kind: 'level', node: 'node-1', workspaceId: 'ws', level: 'USA|SECRET|' }), w: 'ws', n: 'node-1' }],
  ])('refuses %s with a reason, without throwing', (_what, fields) => {
    expect(decodeEntry(fields as Record<string, string>)).toEqual({ problem: expect.any(String) });
  });

  test('a cell has one shard, the same on every node, among the fixed streams', () => {
    expect(shardOf('cell-a')).toBe(shardOf('cell-a'));
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`cell-${i}`)));
    expect(shards.size).toBe(RELAY_SHARDS);
    expect(streamOf('cell-a')).toBe(`${STREAM_PREFIX}${shardOf('cell-a')}`);
  });
});

describe('sequence numbers seen', () => {
  test('in order: no gap; a duplicate is refused', () => {
    const seen = new SeqTracker(4);
    expect(seen.see(5)).toBe(true);
    expect(seen.see(5)).toBe(false);
    expect(seen.see(3)).toBe(false);
    expect([seen.contiguous, seen.hasGap]).toEqual([5, false]);
  });

  test('out of order: a gap until the missing number comes', () => {
    const seen = new SeqTracker(0);
    seen.see(1);
    seen.see(3);
    expect([seen.contiguous, seen.hasGap]).toEqual([1, true]);
    expect(seen.see(3)).toBe(false);
    seen.see(2);
    expect([seen.contiguous, seen.hasGap]).toEqual([3, false]);
  });

  test('a reload closes the gap below what the store holds, or below everything seen', () => {
    const seen = new SeqTracker(0);
    seen.see(2);
    seen.see(5);
    seen.settle(3);
    expect([seen.contiguous, seen.hasGap]).toEqual([3, true]);
    seen.settleAll();
    expect([seen.contiguous, seen.hasGap]).toEqual([5, false]);
  });
});
