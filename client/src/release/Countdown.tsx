// Time left to a release request's deadline, live. Never more than the whole span from the
// request: a clock tick that predates the request must not show extra time.
import { Dtg } from '../views/Dtg';
import { formatDuration } from './duration';

export function Countdown({ requestedAt, deadline, now }: { requestedAt: string; deadline: string; now: number }) {
  const end = Date.parse(deadline);
  const left = Math.min(end - now, end - Date.parse(requestedAt));
  return (
    <span className={`countdown ${left <= 0 ? 'countdown-over' : ''}`} data-testid="countdown">
      {left > 0 ? `Decision due in ${formatDuration(left)}` : 'Deadline reached: the server is settling it'}{' '}
      <span className="muted">
        (<Dtg iso={deadline} />)
      </span>
    </span>
  );
}
