// One value that changes apart from the picture (how many objects hold unsent edits): its own
// store, so a change to it re-renders what shows it and not the workspace. With the picture in
// one store, each keystroke re-rendered every panel twice (counted when the edit waits, uncounted
// at its acknowledgement): at 20,000 objects a re-sort and re-filter of the whole cell each time.
export class ValueStore<T> {
  private readonly listeners = new Set<() => void>();

  constructor(private value: T) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): T => this.value;

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const listener of this.listeners) listener();
  }
}
