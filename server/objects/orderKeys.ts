// Order keys (fractional indexing). A key is read by everyone who sees its object, so the key the
// server picks may say nothing about siblings some of them cannot see: it is the creation time
// (already in the envelope as createdAt) plus a random fraction, never "one more than the highest
// key", which would count the hidden siblings before it and leave gaps where they sit.
import { randomInt } from 'node:crypto';
import { BASE_62_DIGITS, generateKeyBetween } from 'fractional-indexing';
import { TearlineError } from '../errors';

/** Random fraction digits: objects created in the same millisecond fall in a random order. */
const JITTER_DIGITS = 4;

/**
 * The integer part of a fractional-indexing key for a moment: its milliseconds in base 62, after
 * the head letter that gives their length ('a' for one digit, 'b' for two…), so keys of later
 * moments sort after earlier ones and after the small keys ('a0', 'a1'…) of older cells.
 */
export function timeKey(ms: number): string {
  let digits = '';
  for (let rest = Math.floor(ms); rest > 0; rest = Math.floor(rest / 62)) digits = BASE_62_DIGITS[rest % 62]! + digits;
  if (digits === '') digits = '0';
  return String.fromCharCode('a'.charCodeAt(0) + digits.length - 1) + digits;
}

function jitter(): string {
  let fraction = '';
  for (let i = 1; i < JITTER_DIGITS; i++) fraction += BASE_62_DIGITS[randomInt(62)]!;
  // A fraction may not end in the zero digit.
  return fraction + BASE_62_DIGITS[1 + randomInt(61)]!;
}

/**
 * The key of a new object appended after `after`, the last sibling its creator may see (null:
 * none). Only when `after` lies beyond the present (a client-chosen key, a clock set back) does
 * the key follow `after` itself, which the creator may see anyway.
 */
export function appendedOrderKey(after: string | null, now: number = Date.now()): string {
  const stamp = timeKey(now);
  const integer = after === null || stamp > after ? stamp : generateKeyBetween(after, null);
  return integer + jitter();
}

/**
 * The key of an object placed right after `after` (a tearline after its source), before `next`,
 * the following sibling its creator may see (null: none); keys need not differ (ties sort by id).
 */
export function keyAfter(after: string, next: string | null): string {
  return generateKeyBetween(after, next !== null && next > after ? next : null);
}

/**
 * A key a client chose (between two siblings it sees), checked for form only. The server neither
 * compares it with other keys nor needs it unique (ties sort by id), so the answer to a chosen key
 * never depends on siblings the client cannot see.
 */
export function checkedOrderKey(requested: string): string {
  try {
    generateKeyBetween(requested, null);
  } catch {
    throw new TearlineError('bad_request', `"${requested.slice(0, 40)}" is not a valid order key.`);
  }
  return requested;
}
