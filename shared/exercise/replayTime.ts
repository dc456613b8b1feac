// Scenario time at a past Zulu moment, from the exercise clock's changes (each one's Zulu time,
// scenario time, status and speed, as the audit trail has them): a replay's scrubber moves in
// Zulu time and shows both clocks.
import type { ReplayTimeline } from '../protocol';

type ClockMark = ReplayTimeline['clock'][number];

/** Scenario milliseconds at Zulu `zuluMs` (0 before the first change). */
export function scenarioAtZulu(clock: readonly ClockMark[], zuluMs: number): number {
  const mark = clock.findLast((m) => Date.parse(m.zulu) <= zuluMs);
  if (!mark) return 0;
  return mark.scenarioMs + (mark.status === 'running' ? (zuluMs - Date.parse(mark.zulu)) * mark.speed : 0);
}
