import { describe, expect, test } from 'vitest';
import { advance, control, due, newMsel, recordAction, type MselEffect, type MselResult, type MselState } from '../../server/exercise/msel';
import { audiencesOf, loadScenario } from '../helpers/scenarios';

const quad = loadScenario('quad-maritime-militia');
const LEVELS = ['USA|S|', 'AUS|S|', 'JPN|S|', 'IND|S|', 'USA|C|'];
const audiences = audiencesOf(quad, LEVELS);
const min = (m: number) => ({ scenarioMs: m * 60_000, zulu: new Date(Date.UTC(2026, 10, 30, 10, m)).toISOString() });

function ok(result: MselResult): { state: MselState; effects: MselEffect[] } {
  if (!result.ok) throw new Error(result.error.message);
  return result;
}

const released = (effects: MselEffect[]) => effects.flatMap((e) => (e.type === 'release' ? [e.inject.id] : []));

function runTo(minutes: number[], state = newMsel(quad)): { state: MselState; effects: MselEffect[] } {
  const effects: MselEffect[] = [];
  for (const m of minutes) {
    const step = ok(advance(quad, state, min(m), audiences));
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

describe('MSEL', () => {
  test('injects are released at their scenario times, each once, with events in both clocks', () => {
    const first = ok(advance(quad, newMsel(quad), min(10), audiences));
    expect(released(first.effects)).toEqual(['I-01']);
    expect(first.effects.filter((e) => e.type === 'event').map((e) => e.type === 'event' && e.event)).toEqual([
      { injectId: 'I-01', from: 'planned', to: 'ready', by: 'clock', at: min(10) },
      { injectId: 'I-01', from: 'ready', to: 'released', by: 'clock', at: min(10) },
    ]);
    const second = ok(advance(quad, first.state, min(45), audiences));
    expect(released(second.effects)).toEqual(['I-02', 'I-03', 'I-04', 'I-05']);
    expect(ok(advance(quad, second.state, min(50), audiences)).effects).toEqual([]);
  });

  test('a NOFORN inject reaches only US players; partners get the sanitised variant; a level that may see neither gets nothing', () => {
    const { effects } = runTo([15]);
    const release = effects.find((e) => e.type === 'release' && e.inject.id === 'I-02');
    expect(release?.type === 'release' && release.deliveries).toEqual([
      {
        cellId: 'quad-cell',
        versions: [
          { version: 0, marking: 'SECRET//NOFORN', title: 'US assessment of militia command and control', content: expect.any(String), levels: ['USA|S|'] },
          { version: 1, marking: 'SECRET//REL TO USA, QUAD', title: 'Assessment of vessel coordination (sanitised)', content: expect.stringMatching(/central direction/), levels: ['AUS|S|', 'JPN|S|', 'IND|S|'] },
        ],
        unreached: ['USA|C|'],
      },
    ]);
  });

  test('a manual inject waits in ready until EXCON releases it', () => {
    const { state } = runTo([80]);
    expect(state.states['I-07']).toBe('ready');
    const manual = ok(control(quad, state, { type: 'release', injectId: 'I-07' }, min(82), audiences));
    expect(manual.state.states['I-07']).toBe('released');
    expect(manual.effects[0]).toEqual({ type: 'event', event: { injectId: 'I-07', from: 'ready', to: 'released', by: 'excon', at: min(82) } });
    expect(released(manual.effects)).toEqual(['I-07']);
  });

  test('a contingency is cancelled when the expected action happened in time, and released when it did not', () => {
    const acted = recordAction(runTo([20]).state, 'I-02', 40 * 60_000);
    const withAction = runTo([60], acted);
    expect(withAction.state.states['I-06']).toBe('cancelled');
    expect(withAction.effects).toContainEqual({
      type: 'event',
      event: { injectId: 'I-06', from: 'planned', to: 'cancelled', by: 'clock', at: min(60), reason: 'The expected action of I-02 happened, so this contingency is not needed.' },
    });
    expect(runTo([20, 60]).state.states['I-06']).toBe('released');
  });

  test('a "met" branch waits for its action, then follows it', () => {
    const warning = loadScenario('jpn-kor-usa-missile-warning');
    const levels = audiencesOf(warning, ['USA|S|', 'JPN|S|', 'KOR|S|']);
    let state = ok(advance(warning, newMsel(warning), min(30), levels)).state;
    expect(state.states['W-05']).toBe('planned');
    expect(state.states['W-04']).toBe('released');
    state = recordAction(state, 'W-02', 31 * 60_000);
    const step = ok(advance(warning, state, min(31), levels));
    expect(released(step.effects)).toEqual(['W-05']);
    const release = step.effects.find((e) => e.type === 'release');
    expect(release?.type === 'release' && release.deliveries[0]!.versions[0]!.levels).toEqual(['USA|S|', 'JPN|S|', 'KOR|S|']);
  });

  test('hold keeps an inject back past its time; unhold lets the clock release it', () => {
    const held = ok(control(quad, newMsel(quad), { type: 'hold', injectId: 'I-04' }, min(5), audiences));
    const later = runTo([35], held.state);
    expect(later.state.states['I-04']).toBe('held');
    expect(released(later.effects)).not.toContain('I-04');
    const unheld = ok(control(quad, later.state, { type: 'unhold', injectId: 'I-04' }, min(36), audiences));
    expect(released(ok(advance(quad, unheld.state, min(36), audiences)).effects)).toEqual(['I-04']);
  });

  test('due() only answers; control refuses what makes no sense and changes nothing', () => {
    const state = newMsel(quad);
    expect(due(quad, state, 20 * 60_000)).toEqual({ release: ['I-01', 'I-02', 'I-03'], ready: [], cancel: [] });
    expect(state.states['I-01']).toBe('planned');
    const done = runTo([10]).state;
    expect(control(quad, done, { type: 'release', injectId: 'I-01' }, min(11), audiences)).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'Inject I-01 is released; it cannot be released now.' },
    });
    expect(control(quad, done, { type: 'hold', injectId: 'I-99' }, min(11), audiences)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(control(quad, done, { type: 'cancel', injectId: 'I-07', reason: ' ' }, min(11), audiences)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const cancelled = ok(control(quad, done, { type: 'cancel', injectId: 'I-07', reason: 'Players ahead of the script' }, min(11), audiences));
    expect(runTo([90], cancelled.state).state.states['I-07']).toBe('cancelled');
  });
});
