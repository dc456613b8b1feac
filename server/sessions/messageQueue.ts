// One socket's messages, handled one after another in the order they arrived (as Hocuspocus's
// Connection queues them): a message never sees the session half-way through another's change.
// A task may give up its turn early (`release`) once what is left of it no longer reads or
// changes the session, so a durable write does not hold up the next message.
export class MessageQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `task` once every earlier task has finished or released its turn. */
  run<T>(task: (release: () => void) => Promise<T>): Promise<T> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = turn;
    return previous.then(() => task(release)).finally(release);
  }
}
