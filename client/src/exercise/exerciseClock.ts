// An exercise cell's clock on the client: the server's view (exercise:status, then every
// exercise:clock it broadcasts), and the scenario time it shows between broadcasts, run on locally
// at the server's speed. The server owns the clock; this only displays it.
import type { ExerciseClockView, WatcherSeat } from '../../../shared/protocol';
import type { Connection } from '../session/connection';

/** The scenario time shown at real time `nowMs`: the server's, run on at its speed while running. */
export function scenarioMsAt(view: ExerciseClockView, nowMs: number): number {
  if (view.status !== 'running') return view.scenarioMs;
  return view.scenarioMs + Math.max(0, nowMs - Date.parse(view.zulu)) * view.speed;
}

/** '+01:05:30': scenario time as an offset from STARTEX, as planners write it. */
export function offsetText(ms: number): string {
  const total = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `+${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

export class ExerciseClock {
  private view: ExerciseClockView | null = null;
  private seat: WatcherSeat | null = null;
  private readonly listeners = new Set<() => void>();
  private started = false;

  constructor(
    private readonly connection: Pick<Connection, 'request' | 'socket'>,
    readonly workspaceId: string,
  ) {}

  /** Starts following the clock (only exercise cells have one). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.connection.socket.on('exercise:clock', this.onClock);
  }

  stop(): void {
    this.started = false;
    this.connection.socket.off('exercise:clock', this.onClock);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ExerciseClockView | null => this.view;

  /** How the scenario seats this person: an observer or evaluator reads only (the server refuses their edits). */
  getSeat = (): WatcherSeat | null => this.seat;

  /** Reads the clock again: on opening the cell and after each rejoin (broadcasts missed while offline). */
  readonly refresh = async (): Promise<void> => {
    try {
      const { clock, seat } = await this.connection.request('exercise:status', { workspaceId: this.workspaceId });
      this.seat = seat;
      this.set(clock);
    } catch {
      // An exercise cell spun up without a scenario has no clock: the banner shows the default wording.
    }
  };

  private readonly onClock = (view: ExerciseClockView): void => {
    if (view.workspaceId === this.workspaceId) this.set(view);
  };

  private set(view: ExerciseClockView): void {
    this.view = view;
    for (const listener of this.listeners) listener();
  }
}
