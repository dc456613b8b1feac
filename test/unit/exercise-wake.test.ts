// The runner is woken when the clock makes the next inject due, to the millisecond: shown on the
// pure decision (./wake.ts) and on a runner driven by a fake clock (no real time passes).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { newClock, transition, type ClockAction, type ClockState } from '../../server/exercise/clock';
import { newMsel, recordAction } from '../../server/exercise/msel';
import { ExerciseRunner } from '../../server/exercise/runner';
import { decodeRunnerState, encodeRunnerState } from '../../server/exercise/runnerState';
import { wakeDelay } from '../../server/exercise/wake';
import { describeIssue } from '../../shared/exercise/scenario';
import { parseScenarioFile } from '../../shared/exercise/scenarioFile';
import { drillScenario, scenarioContext } from '../helpers/scenarios';

const parsed = parseScenarioFile(
  drillScenario(
    'EXERCISE EXERCISE EXERCISE',
    `  - id: I-01
    at: "+00:01"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: First
    content: Text.
    expect: { action: Japan makes a note of it., audit: object.create, by: JPN }
  - id: I-02
    at: "+00:10"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: Second
    content: Text.
  - id: I-03
    at: "+00:05"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: After Japan's note
    content: Text.
    condition: { inject: I-01, expected: met }
`,
  ),
  scenarioContext,
);
if (!parsed.ok) throw new Error(parsed.issues.map(describeIssue).join('\n'));
const scenario = parsed.scenario;
const T0 = Date.UTC(2026, 10, 30, 12, 0);

function clockAt(actions: ClockAction[], nowMs = T0): ClockState {
  let state = newClock(Date.parse(scenario.start), T0);
  for (const action of actions) {
    const result = transition(state, action, nowMs);
    if (!result.ok) throw new Error(result.error.message);
    state = result.state;
  }
  return state;
}

describe('when the runner looks next', () => {
  test('at the real moment the next planned inject is due, rounded up, at any speed', () => {
    const msel = newMsel(scenario);
    expect(wakeDelay(scenario, msel, clockAt([{ type: 'speed', speed: 60 }, { type: 'start' }]), T0, 200)).toBe(1000);
    expect(wakeDelay(scenario, msel, clockAt([{ type: 'speed', speed: 60 }, { type: 'start' }]), T0 + 400, 200)).toBe(600);
    expect(wakeDelay(scenario, msel, clockAt([{ type: 'speed', speed: 7 }, { type: 'start' }]), T0, 200)).toBe(Math.ceil(60_000 / 7));
    expect(wakeDelay(scenario, msel, clockAt([{ type: 'start' }, { type: 'jump', scenarioMs: 59_999 }]), T0, 200)).toBe(1);
  });

  test('never while stopped or paused; the watch interval only while an expected action is awaited', () => {
    const msel = newMsel(scenario);
    expect(wakeDelay(scenario, msel, clockAt([]), T0, 200)).toBeUndefined();
    expect(wakeDelay(scenario, msel, clockAt([{ type: 'start' }, { type: 'pause' }]), T0, 200)).toBeUndefined();
    const released = { ...msel, states: { ...msel.states, 'I-01': 'released' as const } };
    const running = clockAt([{ type: 'start' }, { type: 'jump', scenarioMs: 120_000 }]);
    expect(wakeDelay(scenario, released, running, T0, 200)).toBe(200);
    // Seen: I-03 waits for nothing but its time; the next look is I-03's +00:05, three minutes on.
    expect(wakeDelay(scenario, recordAction(released, 'I-01', 90_000), running, T0, 200)).toBe(180_000);
    const allDone = { ...msel, states: { 'I-01': 'released' as const, 'I-02': 'released' as const, 'I-03': 'cancelled' as const }, actions: { 'I-01': 1 } };
    expect(wakeDelay(scenario, allDone, running, T0, 200)).toBeUndefined();
  });
});

describe('the stored state of a runner', () => {
  test('reads back as it was written; a state that does not fit its scenario is refused', () => {
    const state = { clock: clockAt([{ type: 'start' }]), msel: newMsel(scenario), released: {}, auditSeq: { w1: 4 }, answered: ['rfi-1'], joined: ['cell/p-1'], resets: 1 };
    expect(decodeRunnerState(encodeRunnerState(state), scenario)).toEqual(state);
    const stranger = { ...state, msel: { ...state.msel, states: { ...state.msel.states, 'I-99': 'planned' } } };
    expect(() => decodeRunnerState(JSON.stringify(stranger), scenario)).toThrow('names inject I-99');
    const { 'I-02': _dropped, ...fewer } = state.msel.states;
    expect(() => decodeRunnerState(JSON.stringify({ ...state, msel: { ...state.msel, states: fewer } }), scenario)).toThrow('no state for inject I-02');
    expect(() => decodeRunnerState(JSON.stringify({ ...state, clock: { ...state.clock, status: 'flying' } }), scenario)).toThrow();
  });
});

describe('a runner on a fake clock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('releases an inject when the scenario time reaches it, not a millisecond before; saves each change', async () => {
    const saved: string[] = [];
    const runner = new ExerciseRunner(scenario, new Map([['cell', 'w1']]), {
      cells: { get: async () => undefined, createObjects: async () => undefined },
      audit: { append: async () => undefined as never, listForWorkspace: async () => [], listForObject: async () => [] },
      closeCells: async () => undefined,
      notifier: { send: async () => undefined },
      addMember: async () => false,
      unseat: async () => undefined,
      fanout: { envelope: () => undefined, update: () => undefined },
      docs: { encodeState: async () => ({ epoch: 0, update: new Uint8Array(), seq: 0 }), update: async () => ({}) as never },
      requestRelease: async () => undefined,
      broadcast: () => undefined,
      log: { error: () => undefined },
      now: () => Date.now(),
      save: async (state) => {
        saved.push(state);
      },
      scenarioText: () => '',
      scenarioChanged: () => undefined,
    });
    const actor = { sub: 'usa-excon', nation: 'USA' };
    // ×7: +00:01 comes 8,571.4 real ms after the start, +00:10 85,714.3 ms (no multiple of a poll).
    await runner.clockAction({ type: 'speed', speed: 7 }, actor);
    await runner.clockAction({ type: 'start' }, actor);
    const stateOf = (id: string) => runner.rows().find((row) => row.id === id)!.state;
    await vi.advanceTimersByTimeAsync(8_571);
    expect(stateOf('I-01')).toBe('planned');
    await vi.advanceTimersByTimeAsync(1);
    expect(stateOf('I-01')).toBe('released');
    await vi.advanceTimersByTimeAsync(85_714 - 8_572);
    expect(stateOf('I-02')).toBe('planned');
    await vi.advanceTimersByTimeAsync(1);
    expect(stateOf('I-02')).toBe('released');
    expect(decodeRunnerState(saved.at(-1)!, scenario).msel.states).toMatchObject({ 'I-01': 'released', 'I-02': 'released', 'I-03': 'planned' });
    await runner.stop();
  });
});
