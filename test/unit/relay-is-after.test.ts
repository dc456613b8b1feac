// The relay's read loop skips an entry at or before its shard's position (a shard followed again
// from a later entry): stream ids `<ms>-<n>` compared as two numbers, whatever their lengths.
import { expect, test } from 'vitest';
import { isAfter } from '../../server/relay/redisRelay';

test('a later millisecond, or the same one with a higher sequence, comes after', () => {
  expect(isAfter('1764561234568-0', '1764561234567-5')).toBe(true);
  expect(isAfter('1764561234567-6', '1764561234567-5')).toBe(true);
  expect(isAfter('1764561234567-10', '1764561234567-9')).toBe(true);
});

test('the same id, or an earlier one, does not', () => {
  expect(isAfter('1764561234567-5', '1764561234567-5')).toBe(false);
  expect(isAfter('1764561234567-4', '1764561234567-5')).toBe(false);
  expect(isAfter('999-9', '1000-0')).toBe(false);
});

test('every entry comes after the start of a shard (0-0)', () => {
  expect(isAfter('0-1', '0-0')).toBe(true);
  expect(isAfter('1764561234567-0', '0-0')).toBe(true);
  expect(isAfter('0-0', '0-0')).toBe(false);
});
