#!/usr/bin/env node
// `npm run faults -- --seed N [--steps K]`: the seeded random fault schedule over three nodes
// (test/integration/fault-schedule.test.ts), longer than the quick form `npm test` runs. Without
// --seed a random one is drawn; it is printed either way, so a failure replays.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seed: { type: 'string' }, steps: { type: 'string', default: '12' } } });
const seed = values.seed ?? String(Math.floor(Math.random() * 1_000_000));
if (!/^\d+$/.test(seed) || !/^\d+$/.test(values.steps)) {
  console.error('usage: npm run faults -- [--seed N] [--steps K] (whole numbers)');
  process.exit(2);
}
console.log(`fault schedule: seed ${seed}, ${values.steps} steps`);
const run = spawnSync('npx', ['vitest', 'run', 'test/integration/fault-schedule.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, TEARLINE_FAULT_SEED: seed, TEARLINE_FAULT_STEPS: values.steps },
});
console.log(`fault schedule: seed ${seed} ${run.status === 0 ? 'passed' : 'FAILED'} (replay: npm run faults -- --seed ${seed} --steps ${values.steps})`);
process.exit(run.status ?? 1);
