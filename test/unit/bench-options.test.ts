// `npm run bench` plans: the full run covers the issue-18 scenarios, the quick one (CI) every path.
import { expect, test } from 'vitest';
import { parseOptions } from '../../bench/options';

test('the full run has the 10-client scenario beside 50, 200 and 500, and opens cells of 5,000 and 50,000 objects', () => {
  const full = parseOptions([]);
  expect(full.mode).toBe('full');
  expect(full.scales).toEqual([10, 50, 200, 500]);
  expect(full.coldOpen?.objects).toEqual([5000, 50_000]);
});

test('the quick run opens two cell sizes too, small ones', () => {
  const quick = parseOptions(['--quick']);
  expect(quick.mode).toBe('quick');
  expect(quick.coldOpen?.objects).toEqual([200, 400]);
});
