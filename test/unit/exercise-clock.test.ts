import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { newClock, scenarioNow, transition, type ClockAction, type ClockState } from '../../server/exercise/clock';

const STARTEX = Date.parse('2025-03-04T06:00:00Z');
const T0 = Date.parse('2026-11-30T10:00:00Z');

function apply(state: ClockState, action: ClockAction, nowMs: number): ClockState {
  const result = transition(state, action, nowMs);
  if (!result.ok) throw new Error(result.error.message);
  return result.state;
}

const running = (speed = 1) => apply(apply(newClock(STARTEX, T0), { type: 'start' }, T0), { type: 'speed', speed }, T0);

/** A step of a run: real time passes, or EXCON does something (jumps and resets apart). */
const step = fc.oneof(
  fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3_600_000 }) }),
  fc.constantFrom<ClockAction>({ type: 'pause' }, { type: 'resume' }),
  fc.integer({ min: 1, max: 60 }).map((speed): ClockAction => ({ type: 'speed', speed })),
);

describe('exercise clock', () => {
  test('scenario time runs at the chosen speed from the start, and every event carries both clocks', () => {
    const started = transition(newClock(STARTEX, T0), { type: 'start' }, T0);
    expect(started.ok && started.event).toEqual({
      type: 'start',
      zulu: '2026-11-30T10:00:00.000Z',
      scenarioMs: 0,
      scenarioTime: '2025-03-04T06:00:00.000Z',
      status: 'running',
      speed: 1,
      realWorld: false,
    });
    const fast = apply(running(), { type: 'speed', speed: 60 }, T0 + 60_000);
    expect(scenarioNow(fast, T0 + 120_000)).toBe(60_000 + 60 * 60_000);
    const paused = transition(fast, { type: 'pause' }, T0 + 120_000);
    expect(paused.ok && paused.event).toMatchObject({ zulu: '2026-11-30T10:02:00.000Z', scenarioTime: '2025-03-04T07:01:00.000Z', status: 'paused' });
  });

  test('REAL WORLD pauses and flags the exercise; it resumes only once cleared', () => {
    const interrupted = transition(running(10), { type: 'real_world', reason: 'Fire alarm in building 2' }, T0 + 1000);
    expect(interrupted.ok && interrupted.event).toMatchObject({ type: 'real_world', status: 'paused', realWorld: true, reason: 'Fire alarm in building 2', scenarioMs: 10_000 });
    const state = interrupted.ok ? interrupted.state : running();
    expect(scenarioNow(state, T0 + 999_000)).toBe(10_000);
    expect(transition(state, { type: 'resume' }, T0 + 2000)).toEqual({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/clear it before resuming/) } });
    const cleared = apply(state, { type: 'clear_real_world' }, T0 + 3000);
    expect(apply(cleared, { type: 'resume' }, T0 + 3000).status).toBe('running');
    expect(transition(running(), { type: 'real_world', reason: '  ' }, T0).ok).toBe(false);
  });

  test('refuses what makes no sense, changing nothing', () => {
    expect(transition(running(), { type: 'start' }, T0).ok).toBe(false);
    expect(transition(newClock(STARTEX, T0), { type: 'pause' }, T0).ok).toBe(false);
    expect(transition(running(), { type: 'resume' }, T0).ok).toBe(false);
    for (const speed of [0, 61, Number.NaN]) {
      expect(transition(running(), { type: 'speed', speed }, T0)).toEqual({ ok: false, error: { code: 'bad_request', message: 'Choose a speed from ×1 to ×60.' } });
    }
    expect(transition(running(), { type: 'jump', scenarioMs: -1 }, T0).ok).toBe(false);
  });

  test('reset returns to a stopped clock at scenario time 0', () => {
    const reset = apply(apply(running(30), { type: 'jump', scenarioMs: 5_000_000 }, T0 + 10), { type: 'reset' }, T0 + 20);
    expect(reset).toEqual(newClock(STARTEX, T0 + 20));
  });

  test('property: scenario time never runs backwards without a jump or reset', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let state = running();
        let now = T0;
        let last = scenarioNow(state, now);
        for (const s of steps) {
          if (s.type === 'wait') now += s.ms;
          else {
            const result = transition(state, s, now);
            if (result.ok) state = result.state;
          }
          const current = scenarioNow(state, now);
          expect(current).toBeGreaterThanOrEqual(last);
          last = current;
        }
      }),
    );
  });

  test('property: pause freezes scenario time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 0, max: 1e9 }), (speed, runFor, later) => {
        const paused = apply(running(speed), { type: 'pause' }, T0 + runFor);
        expect(scenarioNow(paused, T0 + runFor + later)).toBe(runFor * speed);
      }),
    );
  });

  test('property: after a jump, resuming continues from the jumped-to time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1e8 }), fc.integer({ min: 0, max: 1e7 }), (speed, target, after) => {
        const paused = apply(running(speed), { type: 'pause' }, T0 + 5000);
        const jumped = apply(paused, { type: 'jump', scenarioMs: target }, T0 + 6000);
        const resumed = apply(jumped, { type: 'resume' }, T0 + 7000);
        expect(scenarioNow(resumed, T0 + 7000)).toBe(target);
        expect(scenarioNow(resumed, T0 + 7000 + after)).toBe(target + after * speed);
      }),
    );
  });

  test('property: a speed change keeps scenario time continuous and changes only its rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 0, max: 1e7 }), (from, to, at, after) => {
        const before = running(from);
        const changed = apply(before, { type: 'speed', speed: to }, T0 + at);
        expect(scenarioNow(changed, T0 + at)).toBe(scenarioNow(before, T0 + at));
        expect(scenarioNow(changed, T0 + at + after)).toBe(at * from + after * to);
      }),
    );
  });
});
