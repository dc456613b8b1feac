import { expect, test } from 'vitest';
import { JoinAdmission } from '../../server/workspaces/admission';

const refused = (answer: ReturnType<JoinAdmission['admit']>) => (answer.admitted ? undefined : answer.retryAfterMs);

test('joins beyond the rate are told successive times, one admission apart', () => {
  const joins = new JoinAdmission(10, 100, 0);
  for (let i = 0; i < 10; i++) expect(joins.admit(0).admitted).toBe(true);
  expect([1, 2, 3].map(() => refused(joins.admit(0)))).toEqual([100, 200, 300]);
  // Time passes: the slots handed out stay taken, and the bucket refills meanwhile.
  expect(refused(joins.admit(50))).toBe(350);
  expect(joins.admit(200).admitted).toBe(true);
});

test('joins in progress are bounded; a finished join frees its place once', () => {
  const joins = new JoinAdmission(1000, 2, 0);
  const first = joins.admit(0);
  const second = joins.admit(0);
  expect(refused(joins.admit(0))).toBe(1);
  if (!first.admitted || !second.admitted) throw new Error('admitted first');
  first.done();
  first.done();
  expect(joins.admit(0).admitted).toBe(true);
  expect(joins.admit(0).admitted).toBe(false);
});

test('no join is sent further ahead than the horizon, however many are refused', () => {
  const joins = new JoinAdmission(1, 100, 0);
  joins.admit(0);
  const waits = Array.from({ length: 100 }, () => refused(joins.admit(0))!);
  expect(Math.max(...waits)).toBe(30_000);
});
