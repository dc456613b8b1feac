// Above the classification banner on every page of an exercise cell: the scenario's wording
// ("EXERCISE EXERCISE EXERCISE"), the scenario time and Zulu time, and, while EXCON has called
// one, the REAL WORLD interrupt for every participant.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { DEFAULT_BANNER } from '../../../shared/exercise/scenario';
import { Dtg } from '../views/Dtg';
import type { ExerciseClock } from './exerciseClock';
import { offsetText, scenarioMsAt } from './exerciseClock';

const STATUS_TEXT = { stopped: 'not started', running: 'running', paused: 'paused', ended: 'ENDEX', closed: 'ENDEX, closed' } as const;

/** `live`: the cell is joined (the clock is read again at each join, broadcasts missed offline included). */
export function ExerciseBanner({ clock, live }: { clock: ExerciseClock; live: boolean }) {
  const view = useSyncExternalStore(clock.subscribe, clock.getSnapshot);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    clock.start();
    return () => clock.stop();
  }, [clock]);
  useEffect(() => {
    if (live) void clock.refresh();
  }, [clock, live]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const scenarioMs = view ? scenarioMsAt(view, now) : 0;
  return (
    <>
      <div className="exercise-banner" role="note" aria-label="Exercise banner" data-testid="exercise-banner">
        <strong>{view?.banner ?? DEFAULT_BANNER}</strong>
        {view && (
          <span className="exercise-clock">
            Scenario {offsetText(scenarioMs)} (<Dtg iso={new Date(Date.parse(view.startex) + scenarioMs).toISOString()} />) · Real <Dtg iso={new Date(now).toISOString()} seconds /> ·{' '}
            {STATUS_TEXT[view.status]}
            {view.speed > 1 ? ` ×${view.speed}` : ''}
          </span>
        )}
      </div>
      {view?.realWorld && (
        <div className="real-world-banner" role="alert" data-testid="real-world-banner">
          REAL WORLD — the exercise is stopped: {view.realWorld.reason}
        </div>
      )}
    </>
  );
}
