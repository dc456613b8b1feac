import { describe, expect, test } from 'vitest';
import { PersonBudgets } from '../../server/sessions/rateLimiter';

const limits = { perSocket: { perSecond: 0, burst: 3 }, perPerson: { perSecond: 0, burst: 4 }, maxSockets: 2 };
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
