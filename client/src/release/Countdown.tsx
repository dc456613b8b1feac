// Time left to a release request's deadline, live.
import { formatUtc } from '../timeline/utcTime';
import { formatDuration } from './duration';

export function Countdown({ deadline, now }: { deadline: string; now: number }) {
  const left = Date.parse(deadline) - now;
  return (
    <span className={`countdown ${left <= 0 ? 'countdown-over' : ''}`} data-testid="countdown">
      {left > 0 ? `Decision due in ${formatDuration(left)}` : 'Deadline reached: the server is settling it'}{' '}
      <span className="muted">
        (<time dateTime={deadline}>{formatUtc(deadline)}</time>)
      </span>
    </span>
  );
}
