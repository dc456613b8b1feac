#!/usr/bin/env node
// `npm run fuzz:cluster -- [--seed N] [--runs K]`: the leak oracle across three nodes
// (test/integration/cluster-leak-oracle.test.ts), 200 runs unless told, far longer than the quick
// form `npm test` runs. Without --seed a random one is drawn; it is printed either way, so a
// failure replays.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seed: { type: 'string' }, runs: { type: 'string', default: '200' } } });
const seed = values.seed ?? String(Math.floor(Math.random() * 1_000_000));
if (!/^\d+$/.test(seed) || !/^\d+$/.test(values.runs)) {
  console.error('usage: npm run fuzz:cluster -- [--seed N] [--runs K] (whole numbers)');
  process.exit(2);
}
console.log(`cluster leak oracle: seed ${seed}, ${values.runs} runs`);
const run = spawnSync('npx', ['vitest', 'run', 'test/integration/cluster-leak-oracle.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, CLUSTER_ORACLE_SEED: seed, CLUSTER_ORACLE_RUNS: values.runs },
});
console.log(`cluster leak oracle: seed ${seed} ${run.status === 0 ? 'passed' : 'FAILED'} (replay: npm run fuzz:cluster -- --seed ${seed} --runs ${values.runs})`);
process.exit(run.status ?? 1);
