// Fields read while the page is idle. The Timeline and the RFI board order every listed item by a
// field read from its replica's bytes (`replica.field`, no doc built): at 5,000 objects those
// 1,000 reads were a third of opening the Timeline, at 20,000 (4,000 reads) over half. Read ahead
// in short slices between frames, opening a tab finds them read. A replica forgets its fields when
// it changes, so opening reads again only what changed since.
import { whenIdle } from './idle';
import type { Picture } from './picture';

/** Longest slice when the browser gives no idle deadline (no requestIdleCallback), in ms. */
const SLICE_MS = 8;

export interface FieldsWanted {
  ids: readonly string[];
  field: string;
}

/** Reads `field` of each listed object's replica, a slice at a time while the page is idle; answers a function that stops it. */
export function readFieldsWhenIdle(picture: Picture, wanted: readonly FieldsWanted[]): () => void {
  const queue = wanted.flatMap(({ ids, field }) => ids.map((id) => ({ id, field })));
  let next = 0;
  let stop = () => {};
  const slice = (deadline?: IdleDeadline) => {
    const until = performance.now() + SLICE_MS;
    const more = () => (deadline ? deadline.timeRemaining() > 1 : performance.now() < until);
    do {
      const { id, field } = queue[next++]!;
      picture.replica(id)?.field(field);
    } while (next < queue.length && more());
    if (next < queue.length) schedule();
  };
  const schedule = () => {
    stop = whenIdle(slice);
  };
  if (queue.length > 0) schedule();
  return () => stop();
}
