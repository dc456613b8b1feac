// Scenario time at a past Zulu moment, from the clock's changes: what the replay scrubber shows.
import { describe, expect, test } from 'vitest';
import { scenarioAtZulu } from '../../shared/exercise/replayTime';

const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, s)).toISOString();
const ms = (s: number) => Date.parse(at(s));

describe('scenarioAtZulu', () => {
  const clock = [
    { zulu: at(0), scenarioMs: 0, status: 'running' as const, speed: 1 },
    { zulu: at(10), scenarioMs: 10_000, status: 'running' as const, speed: 60 },
    { zulu: at(20), scenarioMs: 610_000, status: 'paused' as const, speed: 60 },
    { zulu: at(30), scenarioMs: 3_600_000, status: 'paused' as const, speed: 60 },
  ];
  test('runs at each speed, stands still while paused, and follows a jump', () => {
    expect(scenarioAtZulu(clock, ms(0) - 1)).toBe(0);
    expect(scenarioAtZulu(clock, ms(5))).toBe(5_000);
    expect(scenarioAtZulu(clock, ms(15))).toBe(10_000 + 5_000 * 60);
    expect(scenarioAtZulu(clock, ms(25))).toBe(610_000);
    expect(scenarioAtZulu(clock, ms(40))).toBe(3_600_000);
  });
});
