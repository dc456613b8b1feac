import { describe, expect, test } from 'vitest';
import { PersonBudgets, TokenBucket } from '../../server/sessions/rateLimiter';

const limits = { perSocket: { perSecond: 0, burst: 3 }, perPerson: { perSecond: 0, burst: 4 }, maxSockets: 2, bytesPerToken: 100 };
const takes = (budget: { take(): boolean }, count: number) => Array.from({ length: count }, () => budget.take()).filter(Boolean).length;

describe('PersonBudgets', () => {
  test("a person's sockets share one budget; a socket over its own does not drain the person's", () => {
    const people = new PersonBudgets(limits);
    const [first, second] = [people.open('alice'), people.open('alice')];
    expect(takes(first, 10)).toBe(3);
    expect(takes(second, 10)).toBe(1);
    expect(takes(people.open('bob'), 10)).toBe(3);
  });

  test('places are bounded per person, given back once, and the person is forgotten with the last', () => {
    const people = new PersonBudgets(limits);
    const first = people.open('alice');
    const second = people.open('alice');
    expect(() => people.open('alice')).toThrow(expect.objectContaining({ code: 'rate_limited', message: expect.stringContaining('2 connections open') }));
    first.release();
    first.release();
    const third = people.open('alice');
    expect(() => people.open('alice')).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    second.release();
    third.release();
    expect(people.size).toBe(0);
  });
});

describe('TokenBucket', () => {
  test('work already done is charged into debt, paid back at the rate, and says how long to wait', () => {
    const bucket = new TokenBucket(10, 5, 0);
    bucket.charge(24, 0);
    expect(bucket.take(0)).toBe(false);
    // 5 - 24 = -19 tokens: 20 to earn before one can be taken, at 10 a second.
    expect(bucket.waitMs(0)).toBe(2000);
    expect(bucket.take(1999)).toBe(false);
    expect(bucket.take(2000)).toBe(true);
    expect(bucket.waitMs(2000)).toBe(100);
  });
});

describe('answers cost by size', () => {
  test("an answer costs one token per bytesPerToken, on the socket's budget and the person's", () => {
    const people = new PersonBudgets({ ...limits, perSocket: { perSecond: 0, burst: 10 }, perPerson: { perSecond: 0, burst: 10 } });
    const [first, second] = [people.open('alice'), people.open('alice')];
    first.chargeAnswer(99);
    expect(takes(first, 20)).toBe(10);
    const other = people.open('bob');
    other.chargeAnswer(750);
    expect(takes(other, 20)).toBe(3);
    // alice's first socket spent the person's whole budget: the second has none left either.
    expect(takes(second, 20)).toBe(0);
  });
});
