// Requests of one load sent a few at a time instead of one after the other. Sent one by one, a
// load leaves one side idle while the other works: the server reads and writes an answer while
// the client waits, then the client decodes and applies it while the server waits. With a second
// request already sent, the server builds the next answer while the client applies the last
// (docs/performance.md, issue 18 round 6). The window is small, asked anew before each request (the
// caller can narrow it on what the answers so far weigh), and refills only once an answer is
// taken, so a client that applies slowly never has more than that many answers coming, and the
// server never holds more than that for it.

/**
 * Sends `send(item)` for every item in order, at most `limit()` unanswered at once, and hands each
 * answer to `take` in the order the requests went (a socket.io server answers one socket's
 * requests in that order). The next request goes once an answer is taken, while `more()` holds.
 * After a failure nothing more is sent; the answers already coming are still taken, then the first
 * failure is thrown.
 */
export async function pipelined<T, A>(
  items: readonly T[],
  limit: () => number,
  send: (item: T) => Promise<A>,
  take: (answer: A, item: T) => void,
  more: () => boolean = () => true,
): Promise<void> {
  type Settled = { item: T; answer: A; failed: false } | { failed: true; error: unknown };
  const coming: Promise<Settled>[] = [];
  let next = 0;
  let failure: { error: unknown } | null = null;
  const sendNext = () => {
    const item = items[next++]!;
    coming.push(
      send(item).then(
        (answer): Settled => ({ item, answer, failed: false }),
        (error: unknown): Settled => ({ failed: true, error }),
      ),
    );
  };
  const fill = () => {
    while (!failure && coming.length < Math.max(1, limit()) && next < items.length && more()) sendNext();
  };
  fill();
  while (coming.length > 0) {
    const settled = await coming.shift()!;
    if (settled.failed) failure ??= { error: settled.error };
    else take(settled.answer, settled.item);
    fill();
  }
  if (failure) throw failure.error;
}
