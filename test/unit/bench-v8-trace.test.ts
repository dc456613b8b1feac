// The optimising compiler's trace summary (bench/v8-trace.ts): events placed at the garbage
// collector's last time stamp, a function optimised again told from a first optimisation, and
// code lost (bailouts, invalidations) counted per function from the given time on.
import { expect, test } from 'vitest';
import { summarizeV8Trace } from '../../bench/v8-trace';

const trace = [
  '[compiling method 0x1 <JSFunction applyUpdate (sfi = 0xa1)> (target TURBOFAN), mode: ConcurrencyMode::kConcurrent]',
  '[completed compiling 0x1 <JSFunction applyUpdate (sfi = 0xa1)> (target TURBOFAN) - took 0.010, 2.000, 0.500 ms]',
  '[completed optimizing 0x1 <JSFunction applyUpdate (sfi = 0xa1)> (target TURBOFAN)]',
  '[42:0x5f00]    12000 ms: Scavenge 40.1 (45.2) -> 39.0 (45.2) MB, 1.20 / 0.00 ms  (average mu = 0.99) allocation failure;',
  '[bailout (kind: deopt-eager, reason: wrong map): begin. deoptimizing 0x2, <JSFunction roomsPerList (sfi = 0xb2)>, opt id 9, bytecode offset 243]',
  '[42:0x5f00]    24000 ms: Mark-Compact (reduce) 48.5 (69.8) -> 33.3 (36.1) MB, 11.73 / 0.05 ms  (average mu = 0.98) finalize incremental marking via task;',
  '[marking dependent code 0x3 <Code TURBOFAN> (0x4 <SharedFunctionInfo applyUpdate>) (opt id 7) for deoptimization, reason: weak objects]',
  '[marking dependent code 0x5 <Code TURBOFAN> (0x6 <SharedFunctionInfo>) (opt id 8) for deoptimization, reason: code dependencies]',
  '[completed compiling 0x1 <JSFunction applyUpdate (sfi = 0xa1)> (target TURBOFAN) - took 0.010, 1.000, 0.490 ms]',
  '[completed compiling 0x7 <JSFunction  (sfi = 0xc3)> (target TURBOFAN) OSR - took 0.000, 0.500, 0.000 ms]',
].join('\n');

test('counts per window: first optimisations, optimisations again, bailouts, invalidations and compile time', () => {
  const summary = summarizeV8Trace(trace, 20_000, 10_000);
  expect(summary.windows).toEqual([
    { fromMs: 0, optimisedFirst: 1, optimisedAgain: 0, bailouts: 0, invalidated: 0, compileMs: 2.51 },
    { fromMs: 10_000, optimisedFirst: 0, optimisedAgain: 0, bailouts: 1, invalidated: 0, compileMs: 0 },
    { fromMs: 20_000, optimisedFirst: 1, optimisedAgain: 1, bailouts: 0, invalidated: 2, compileMs: 2 },
  ]);
});

test('names the functions that lost their code and were optimised from the given time on, with the reasons', () => {
  const summary = summarizeV8Trace(trace, 20_000, 10_000);
  expect(summary.lost).toEqual([
    { name: 'applyUpdate', count: 1, reasons: ['invalidated: weak objects'] },
    { name: '(anonymous)', count: 1, reasons: ['invalidated: code dependencies'] },
  ]);
  expect(summary.optimised).toEqual([
    { name: 'applyUpdate', count: 1, compileMs: 1.5 },
    { name: '(anonymous)', count: 1, compileMs: 0.5 },
  ]);
});
