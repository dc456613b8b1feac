// socket.io's Redis adapter looks sockets up across nodes (`fetchSockets`: presence welcomes,
// presence refreshes after a re-mark, release notifications) by counting the nodes through Redis
// (PUBSUB NUMSUB) and waiting for their answers. With Redis away or frozen that count never
// comes back, and a re-mark waiting on it would hang. Bounded here: past the wait, the lookup
// answers this node's own sockets, and the others are missed (presence is sent again at their
// next change; a release notification is a hint, the request itself is stored).
import type { BroadcastOptions } from 'socket.io-adapter';
import { RedisAdapter } from '@socket.io/redis-adapter';
import { COMMAND_TIMEOUT_MS, timed } from './redisRelay';

/** Other nodes' answers are waited for this long (the adapter's `requestsTimeout`). */
export const LOOKUP_ANSWERS_MS = COMMAND_TIMEOUT_MS;

export class BoundedRedisAdapter extends RedisAdapter {
  override async fetchSockets(opts: BroadcastOptions) {
    try {
      return await timed(super.fetchSockets(opts), 'a socket lookup across nodes', LOOKUP_ANSWERS_MS + COMMAND_TIMEOUT_MS);
    } catch {
      return super.fetchSockets({ ...opts, flags: { ...opts.flags, local: true } });
    }
  }
}
