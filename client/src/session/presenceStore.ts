// Who else is in the workspace and where, apart from the picture: a cursor message changes only
// this store, and only the components showing the cursor's object are told (`subscribeObject`),
// not the workspace. Lists of everyone (the presence bar) subscribe to the whole store.
import type { PresenceState } from '../../../shared/protocol';

const NOBODY: readonly PresenceState[] = Object.freeze([]);

export class PresenceStore {
  private states: readonly PresenceState[] = NOBODY;
  private byObject = new Map<string, readonly PresenceState[]>();
  private readonly listeners = new Set<() => void>();
  private readonly objectListeners = new Map<string, Set<() => void>>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly PresenceState[] => this.states;

  /** Others inside one object; the same array until one of them moves, joins or leaves it. */
  of(objectId: string): readonly PresenceState[] {
    return this.byObject.get(objectId) ?? NOBODY;
  }

  subscribeObject(objectId: string, listener: () => void): () => void {
    let set = this.objectListeners.get(objectId);
    if (!set) this.objectListeners.set(objectId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.objectListeners.delete(objectId);
    };
  }

  /** Takes everyone's current states; tells the listeners of each object whose people changed. */
  replace(states: readonly PresenceState[]): void {
    const previous = this.byObject;
    const next = new Map<string, PresenceState[]>();
    for (const state of states) {
      if (!state.objectId) continue;
      const list = next.get(state.objectId);
      if (list) list.push(state);
      else next.set(state.objectId, [state]);
    }
    const changed = new Set<string>();
    for (const [id, list] of next) if (!sameStates(previous.get(id), list)) changed.add(id);
    for (const id of previous.keys()) if (!next.has(id)) changed.add(id);
    // Unchanged objects keep their array, so their components see an equal snapshot.
    const byObject = new Map<string, readonly PresenceState[]>();
    for (const [id, list] of next) byObject.set(id, changed.has(id) ? list : previous.get(id)!);
    this.byObject = byObject;
    this.states = states.length === 0 ? NOBODY : states;
    for (const id of changed) for (const listener of this.objectListeners.get(id) ?? []) listener();
    for (const listener of this.listeners) listener();
  }
}

function sameStates(a: readonly PresenceState[] | undefined, b: readonly PresenceState[]): boolean {
  return a !== undefined && a.length === b.length && a.every((state, index) => state === b[index]);
}
