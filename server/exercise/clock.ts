// The exercise clock, server-owned and pure: a state plus the real time it was last anchored at.
// Scenario time runs at `speed` times real time while running and stands still otherwise; every
// transition answers the new state and an event carrying both clocks, for the audit trail and
// for every participant's banner.
//
//   stopped ──start──▶ running ◀──resume── paused
//                        │ ──pause──────────▶ │
//                        └──real_world──▶ paused + REAL WORLD flag ──clear_real_world──▶ paused
//   any ──reset──▶ stopped at scenario time 0; jump and speed keep the status.
//   any ──endex──▶ ended ──close──▶ closed
// ENDEX stops the clock for good (nothing more is released; a reset may still rehearse again).
// Closing says the after-action review is final: the cells' update history, kept whole until
// then for replay, may be compacted, and nothing about the clock changes any more.

export const MIN_SPEED = 1;
export const MAX_SPEED = 60;

export type ClockStatus = 'stopped' | 'running' | 'paused' | 'ended' | 'closed';

export interface ClockState {
  status: ClockStatus;
  speed: number;
  /** Scenario milliseconds at `anchorMs`. */
  scenarioMs: number;
  /** Real time (epoch ms) the state was anchored at. */
  anchorMs: number;
  /** STARTEX in the scenario's world (epoch ms): scenario time 0 as a date. */
  startexMs: number;
  /** Set by a REAL WORLD interrupt until EXCON clears it. */
  realWorld: { reason: string; sinceMs: number } | null;
}

export type ClockAction =
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'speed'; speed: number }
  | { type: 'jump'; scenarioMs: number }
  | { type: 'reset' }
  | { type: 'real_world'; reason: string }
  | { type: 'clear_real_world' }
  | { type: 'endex' }
  | { type: 'close' };

/** A transition, stamped in both clocks. */
export interface ClockEvent {
  type: ClockAction['type'];
  /** Real (Zulu) time, ISO 8601. */
  zulu: string;
  scenarioMs: number;
  /** The scenario's own date and time, ISO 8601. */
  scenarioTime: string;
  status: ClockStatus;
  speed: number;
  realWorld: boolean;
  reason?: string;
}

export type ClockResult = { ok: true; state: ClockState; event: ClockEvent } | { ok: false; error: { code: 'conflict' | 'bad_request'; message: string } };

export function newClock(startexMs: number, nowMs: number): ClockState {
  return { status: 'stopped', speed: MIN_SPEED, scenarioMs: 0, anchorMs: nowMs, startexMs, realWorld: null };
}

/** Scenario milliseconds at real time `nowMs` (never before the anchor: a clock does not run back). */
export function scenarioNow(state: ClockState, nowMs: number): number {
  if (state.status !== 'running') return state.scenarioMs;
  return state.scenarioMs + Math.max(0, nowMs - state.anchorMs) * state.speed;
}

/** Re-anchored at `nowMs`: same scenario time, counted from now. */
function anchored(state: ClockState, nowMs: number): ClockState {
  return { ...state, scenarioMs: scenarioNow(state, nowMs), anchorMs: Math.max(nowMs, state.anchorMs) };
}

export function transition(state: ClockState, action: ClockAction, nowMs: number): ClockResult {
  const at = anchored(state, nowMs);
  if (state.status === 'closed') return conflict('The exercise is closed and its after-action review final; its clock no longer changes.');
  if (state.status === 'ended' && action.type !== 'close' && action.type !== 'reset') {
    return conflict('The exercise has ended (ENDEX): reset it to run it again, or close it once the after-action review is final.');
  }
  switch (action.type) {
    case 'start':
      if (state.realWorld) return conflict('A REAL WORLD interrupt is in force: clear it before starting the exercise.');
      if (state.status !== 'stopped') return conflict(`The exercise is already ${state.status}; reset it to start again.`);
      return done(action, { ...at, status: 'running' });
    case 'pause':
      if (state.status !== 'running') return conflict(`Only a running exercise can be paused; it is ${state.status}.`);
      return done(action, { ...at, status: 'paused' });
    case 'resume':
      if (state.realWorld) return conflict('A REAL WORLD interrupt is in force: clear it before resuming the exercise.');
      if (state.status !== 'paused') return conflict(`Only a paused exercise can be resumed; it is ${state.status}.`);
      return done(action, { ...at, status: 'running' });
    case 'speed':
      if (!Number.isFinite(action.speed) || action.speed < MIN_SPEED || action.speed > MAX_SPEED) {
        return { ok: false, error: { code: 'bad_request', message: `Choose a speed from ×${MIN_SPEED} to ×${MAX_SPEED}.` } };
      }
      return done(action, { ...at, speed: action.speed });
    case 'jump':
      if (!Number.isFinite(action.scenarioMs) || action.scenarioMs < 0) {
        return { ok: false, error: { code: 'bad_request', message: 'Jump to a scenario time at or after the start of the exercise.' } };
      }
      return done(action, { ...at, scenarioMs: action.scenarioMs });
    case 'reset':
      return done(action, { ...newClock(state.startexMs, at.anchorMs) });
    case 'real_world': {
      const reason = action.reason.trim();
      if (!reason) return { ok: false, error: { code: 'bad_request', message: 'Say what the real-world event is, so every participant knows why the exercise stopped.' } };
      if (state.realWorld) return conflict('A REAL WORLD interrupt is already in force.');
      return done(action, { ...at, status: state.status === 'stopped' ? 'stopped' : 'paused', realWorld: { reason, sinceMs: at.anchorMs } }, reason);
    }
    case 'clear_real_world':
      if (!state.realWorld) return conflict('No REAL WORLD interrupt is in force.');
      return done(action, { ...at, realWorld: null });
    case 'endex':
      return done(action, { ...at, status: 'ended', realWorld: null });
    case 'close':
      if (state.status !== 'ended') return conflict('End the exercise (ENDEX) before closing it.');
      return done(action, { ...at, status: 'closed' });
    }
  }

function clockEvent(type: ClockAction['type'], state: ClockState, reason?: string): ClockEvent {
  return {
    type,
    zulu: new Date(state.anchorMs).toISOString(),
    scenarioMs: state.scenarioMs,
    scenarioTime: new Date(state.startexMs + state.scenarioMs).toISOString(),
    status: state.status,
    speed: state.speed,
    realWorld: state.realWorld !== null,
    ...(reason === undefined ? {} : { reason }),
  };
}

function done(action: ClockAction, state: ClockState, reason?: string): ClockResult {
  return { ok: true, state, event: clockEvent(action.type, state, reason) };
}

function conflict(message: string): ClockResult {
  return { ok: false, error: { code: 'conflict', message } };
}
