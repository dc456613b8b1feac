// Work that can wait for the page to be idle (between frames, with no input or task waiting):
// reading ahead, and writing to disk what could be fetched again. Where the browser has no
// requestIdleCallback, the next task.

/** Runs `work` when the page is next idle (at the latest after `timeoutMs`, if given); answers a function that cancels it. */
export function whenIdle(work: (deadline?: IdleDeadline) => void, timeoutMs?: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(work, timeoutMs === undefined ? undefined : { timeout: timeoutMs });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(() => work(), 0);
  return () => clearTimeout(handle);
}
