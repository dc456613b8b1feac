// The badge of a person the scenario seats as a watcher: an observer reads only; an evaluator reads,
// records observations and replays. Their client offers no edit (the server refuses edits anyway).
import type { WatcherSeat } from '../../../shared/protocol';

const WORDING: Record<WatcherSeat, string> = { observer: 'Observer — read only', evaluator: 'Evaluator — read only' };

export function WatcherBadge({ seat }: { seat: WatcherSeat }) {
  return (
    <span className={`watcher-badge watcher-${seat}`} role="status" aria-label="Your exercise seat">
      {WORDING[seat]}
    </span>
  );
}
