// One plain field of an object's content (`fields`), read from the server's update bytes without
// building a Y.Doc: the Timeline and the RFI board sort every listed item by a field (an event's
// time, an RFI's status) and show a few dozen of them; building a doc per item to sort was 4,000
// docs at 20,000 objects. Yjs writes an entry's map and key only on the first item of that key;
// a later write names the item it replaces (its origin), so the key is followed along origins.
import * as Y from 'yjs';
import { FIELDS } from '../../../shared/content';

/** The bytes alone do not settle the value (two live values, a value that is a shared type, an origin not in the bytes): read the doc. */
export const UNSETTLED = Symbol('unsettled');

type Place = { parent: string; key: string } | null;

export function fieldFromUpdate(update: Uint8Array, name: string): unknown {
  const { structs, ds } = Y.decodeUpdate(update);
  const items = structs.filter((struct): struct is Y.Item => struct instanceof Y.Item);
  // Per client, its items in clock order: an origin is found by the item whose clocks hold it.
  const byClient = new Map<number, Y.Item[]>();
  for (const item of items) {
    const list = byClient.get(item.id.client) ?? [];
    list.push(item);
    byClient.set(item.id.client, list);
  }
  for (const list of byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  const holding = (id: Y.ID): Y.Item | undefined => {
    const list = byClient.get(id.client) ?? [];
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const item = list[middle]!;
      if (id.clock < item.id.clock) high = middle - 1;
      else if (id.clock >= item.id.clock + item.length) low = middle + 1;
      else return item;
    }
    return undefined;
  };
  const places = new Map<Y.Item, Place | typeof UNSETTLED>();
  const placeOf = (start: Y.Item): Place | typeof UNSETTLED => {
    const chain = new Set<Y.Item>();
    let place: Place | typeof UNSETTLED;
    for (let item: Y.Item | undefined = start; ; ) {
      const known = item && places.get(item);
      if (!item || chain.has(item)) place = UNSETTLED;
      else if (known !== undefined) place = known;
      else if (item.parent !== null) place = typeof item.parent === 'string' && item.parentSub !== null ? { parent: item.parent, key: item.parentSub } : null;
      else {
        chain.add(item);
        const next: Y.ID | null = item.origin ?? item.rightOrigin;
        item = next ? holding(next) : undefined;
        continue;
      }
      break;
    }
    for (const item of chain) places.set(item, place);
    return place;
  };

  let value: unknown = undefined;
  let live = 0;
  for (const item of items) {
    if (item.content instanceof Y.ContentDeleted || Y.isDeleted(ds, item.id)) continue;
    const place = placeOf(item);
    if (place === UNSETTLED) return UNSETTLED;
    if (place === null || place.parent !== FIELDS || place.key !== name) continue;
    if (!(item.content instanceof Y.ContentAny) || item.content.arr.length !== 1) return UNSETTLED;
    value = item.content.arr[0];
    live += 1;
  }
  return live > 1 ? UNSETTLED : value;
}
