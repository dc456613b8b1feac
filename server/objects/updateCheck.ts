// Checks an inbound Yjs update against the doc it targets before anything is applied, so a bad
// update changes nothing: it must decode completely, touch only the content model's roots, and
// reference only items the server has or that the update itself carries (no gaps that would
// leave the doc with pending structs).
import * as Y from 'yjs';
import { BODY, FIELDS } from '../../shared/content';
import { TearlineError } from '../errors';

const ROOTS = new Set([FIELDS, BODY]);

function badUpdate(message: string): TearlineError {
  return new TearlineError('bad_update', message);
}

interface IdLike {
  client: number;
  clock: number;
}

export function checkUpdate(stateVector: Map<number, number>, update: Uint8Array): void {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  let meta: ReturnType<typeof Y.parseUpdateMeta>;
  try {
    decoded = Y.decodeUpdate(update);
    meta = Y.parseUpdateMeta(update);
  } catch {
    throw badUpdate('The edit could not be read: it is malformed or truncated. Nothing was changed.');
  }
  const has = (id: IdLike | null): boolean => {
    if (!id) return true;
    if (id.clock < (stateVector.get(id.client) ?? 0)) return true;
    const from = meta.from.get(id.client);
    const to = meta.to.get(id.client);
    return from !== undefined && to !== undefined && id.clock >= from && id.clock < to;
  };
  for (const [client, clock] of meta.from) {
    if (clock > (stateVector.get(client) ?? 0)) {
      throw badUpdate('The edit depends on earlier edits the server does not have; re-sync and try again.');
    }
  }
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) {
      throw badUpdate('The edit has gaps in it; re-sync and try again. Nothing was changed.');
    }
    if (!(struct instanceof Y.Item)) continue;
    const parent = struct.parent as unknown;
    if (typeof parent === 'string' && !ROOTS.has(parent)) {
      throw badUpdate(`The edit writes to "${parent.slice(0, 40)}", which is not part of a Tearline object.`);
    }
    if (parent instanceof Y.ID && !has(parent)) {
      throw badUpdate('The edit refers to content the server does not have; re-sync and try again.');
    }
    if (!has(struct.origin) || !has(struct.rightOrigin)) {
      throw badUpdate('The edit refers to content the server does not have; re-sync and try again.');
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    const known = Math.max(stateVector.get(client) ?? 0, meta.to.get(client) ?? 0);
    for (const range of ranges) {
      if (range.clock + range.len > known) {
        throw badUpdate('The edit deletes content the server does not have; re-sync and try again.');
      }
    }
  }
}
