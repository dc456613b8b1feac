// When a running exercise's runner must next look, decided from the clock (pure): at the real
// moment the next planned inject's scenario time comes, to the millisecond, so an inject is not
// released later than the timer fires; sooner only while players' expected actions are awaited
// (they are read from the audit trail, which nothing signals).
import type { Scenario } from '../../shared/exercise/scenario';
import { scenarioNow, type ClockState } from './clock';
import type { MselState } from './msel';

/** Real milliseconds from `nowMs` to the next look, or undefined when nothing can come (a stopped or paused clock, nothing planned or awaited). */
export function wakeDelay(scenario: Scenario, msel: MselState, clock: ClockState, nowMs: number, watchMs: number): number | undefined {
  if (clock.status !== 'running') return undefined;
  const scenarioMs = scenarioNow(clock, nowMs);
  const planned = scenario.msel.filter((inject) => msel.states[inject.id] === 'planned');
  const next = Math.min(...planned.filter((inject) => inject.at > scenarioMs).map((inject) => inject.at));
  // Rounded up: when the timer fires, the scenario time has reached the inject's.
  const due = Number.isFinite(next) ? Math.max(1, Math.ceil((next - scenarioMs) / clock.speed)) : undefined;
  const awaiting =
    planned.some((inject) => inject.at <= scenarioMs) ||
    scenario.msel.some((inject) => inject.expect?.audit !== undefined && msel.states[inject.id] === 'released' && msel.actions[inject.id] === undefined);
  if (!awaiting) return due;
  return due === undefined ? watchMs : Math.min(due, watchMs);
}
