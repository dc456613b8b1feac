// How this user reads and types positions: the read-out format (MGRS, DD, DMS) and the order of
// plain signed decimals. Kept per browser, shared by every map control through one small store.
import { useSyncExternalStore } from 'react';
import type { DecimalOrder, PositionFormat } from '../../../shared/geo/coordinates';

export interface PositionPrefs {
  format: PositionFormat;
  order: DecimalOrder;
}

const KEY = 'tearline.positionPrefs';
const listeners = new Set<() => void>();

function load(): PositionPrefs {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<PositionPrefs>;
    return {
      format: stored.format === 'dd' || stored.format === 'dms' || stored.format === 'mgrs' ? stored.format : 'mgrs',
      order: stored.order === 'lon-lat' ? 'lon-lat' : 'lat-lon',
    };
  } catch {
    return { format: 'mgrs', order: 'lat-lon' };
  }
}

let current = load();

export function setPositionPrefs(change: Partial<PositionPrefs>): void {
  current = { ...current, ...change };
  localStorage.setItem(KEY, JSON.stringify(current));
  for (const listener of listeners) listener();
}

export function usePositionPrefs(): PositionPrefs {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
