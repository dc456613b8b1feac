// One socket's messages, handled one after another in the order they arrived (as Hocuspocus's
// Connection queues them): a message never sees the session half-way through another's change.
// A task may give up its turn early (`release`) once what is left of it no longer reads or
// changes the session, so a durable write does not hold up the next message.
//
// A message that finds the turn free (nearly every one: the turn is given up before the commit)
// starts at once and its own promise is handed back, with no promise chained around it: each link
// of a chain is a microtask and an allocation per message, on the edit path.
export class MessageQueue {
  /** Whether a task holds the turn: started, and neither finished nor released. */
  private busy = false;
  /** Tasks waiting for the turn, in arrival order, each started once the one before gives it up. */
  private readonly waiting: (() => void)[] = [];

  /** Runs `task` once every earlier task has finished or released its turn. */
  run<T>(task: (release: () => void) => Promise<T>): Promise<T> {
    if (!this.busy) return this.start(task);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => void this.start(task).then(resolve, reject));
    });
  }

  private start<T>(task: (release: () => void) => Promise<T>): Promise<T> {
    this.busy = true;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The turn passes straight to the next task, started a microtask later: never inside the
      // releasing task's own call stack.
      if (next) queueMicrotask(next);
      else this.busy = false;
    };
    let result: Promise<T>;
    try {
      result = task(release);
    } catch (error) {
      release();
      return Promise.reject(error);
    }
    result.then(release, release);
    return result;
  }
}
