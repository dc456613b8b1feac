// A list that mounts only the rows in or near view: the RFI board of 5,000 cards was 743,000 px
// of mounted editors. Rows may differ in height (an editor grows as it is typed in): each mounted
// row is measured and the rest are counted at `estimate`. The list scrolls with its nearest
// scrolling ancestor (the tab panel), so it sits in a page as a plain list would. Small enough to
// own (one short file) rather than take a dependency for one job.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { windowOf } from './windowOf';

interface Props<T> {
  items: readonly T[];
  keyOf: (item: T) => string;
  render: (item: T, index: number) => ReactNode;
  /** Height of a row not measured yet, in px. */
  estimate: number;
  as?: 'ol' | 'ul';
  className?: string;
  label?: string;
  /** A request to bring one item into view (a new serial asks again); `onRevealed` runs once it is mounted. */
  reveal?: { id: string; serial: number } | null;
  onRevealed?: (id: string) => void;
  /** Where a revealed item goes: to the top of the view, or the least scroll that shows it (none when it shows already). */
  align?: 'start' | 'nearest';
}

/** Rows mounted beyond each edge of the view, in px. */
const OVERSCAN_PX = 600;

/** The height of the view: a layout-less test DOM reports zero, where the window's height stands in. */
function viewHeight(outer: HTMLElement | null): number {
  return (outer ? outer.clientHeight : 0) || window.innerHeight;
}

export function VirtualList<T>({ items, keyOf, render, estimate, as: List = 'ul', className, label, reveal, onRevealed, align = 'start' }: Props<T>) {
  const list = useRef<HTMLOListElement & HTMLUListElement>(null);
  const heights = useRef(new Map<string, number>());
  const [view, setView] = useState(() => ({ top: 0, height: window.innerHeight }));
  const [measured, setMeasured] = useState(0);
  const revealing = useRef<string | null>(null);

  const keys = useMemo(() => items.map(keyOf), [items, keyOf]);
  const offsets = useMemo(() => {
    const at = new Array<number>(keys.length + 1);
    at[0] = 0;
    keys.forEach((key, index) => (at[index + 1] = at[index]! + (heights.current.get(key) ?? estimate)));
    return at;
  }, [keys, estimate, measured]); // `measured`: a row's height changed

  const scroller = useCallback((): HTMLElement | null => {
    for (let node = list.current?.parentElement ?? null; node; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowY;
      if (overflow === 'auto' || overflow === 'scroll') return node;
    }
    return null;
  }, []);

  // Where the view is, in the list's own coordinates. Read only where layout is already done: when
  // a ResizeObserver reports (after the frame's layout, the list's or the scroller's size having
  // changed) and on scroll. The first render reads nothing: a forced layout there cost 150–800 ms
  // of first render at 5,000 features. It starts from the list at the top of a window-high view,
  // the place a list is first shown in; the first report corrects it (one frame later at worst).
  const update = useRef(() => {});
  useEffect(() => {
    const element = list.current;
    if (!element) return;
    const outer = scroller();
    update.current = () => {
      const listTop = element.getBoundingClientRect().top;
      const viewTop = outer ? outer.getBoundingClientRect().top : 0;
      const height = viewHeight(outer);
      setView((old) => (old.top === viewTop - listTop && old.height === height ? old : { top: viewTop - listTop, height }));
    };
    const read = () => update.current();
    const target: HTMLElement | Window = outer ?? window;
    target.addEventListener('scroll', read, { passive: true });
    const sizes = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(read);
    sizes?.observe(element);
    if (outer) sizes?.observe(outer);
    else window.addEventListener('resize', read);
    return () => {
      target.removeEventListener('scroll', read);
      window.removeEventListener('resize', read);
      sizes?.disconnect();
      update.current = () => {};
    };
  }, [scroller]);

  // Created on first use and dropped on unmount (a remount, as StrictMode does, creates another).
  const resizes = useRef<ResizeObserver | null>(null);
  const observer = useCallback((): ResizeObserver | null => {
    if (typeof ResizeObserver === 'undefined') return null;
    resizes.current ??= new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const key = (entry.target as HTMLElement).dataset.rowKey;
        const height = (entry.target as HTMLElement).offsetHeight;
        if (key === undefined || height === 0 || heights.current.get(key) === height) continue;
        heights.current.set(key, height);
        changed = true;
      }
      if (changed) setMeasured((count) => count + 1);
    });
    return resizes.current;
  }, []);
  useEffect(
    () => () => {
      resizes.current?.disconnect();
      resizes.current = null;
    },
    [],
  );
  const observe = useCallback(
    (element: HTMLLIElement | null) => {
      const watching = element ? observer() : null;
      if (!element || !watching) return;
      watching.observe(element);
      return () => watching.unobserve(element);
    },
    [observer],
  );

  // Bring a requested item into view: scroll to it and read the view at once (the window moves in
  // this frame, and a test DOM sends no scroll event), then tell once it is mounted.
  useEffect(() => {
    if (!reveal) return;
    const index = keys.indexOf(reveal.id);
    if (index < 0) return;
    revealing.current = reveal.id;
    const outer = scroller();
    const element = list.current;
    if (!outer || !element) return;
    const top = element.getBoundingClientRect().top - outer.getBoundingClientRect().top + outer.scrollTop + offsets[index]!;
    const bottom = top + offsets[index + 1]! - offsets[index]!;
    const was = outer.scrollTop;
    if (align === 'start' || top < was) outer.scrollTop = top;
    else if (bottom > was + viewHeight(outer)) outer.scrollTop = bottom - viewHeight(outer);
    if (outer.scrollTop !== was) update.current();
  }, [reveal?.serial]); // one scroll per request, not per render

  const { start, end } = windowOf(offsets, view.top - OVERSCAN_PX, view.top + view.height + OVERSCAN_PX);
  useEffect(() => {
    const id = revealing.current;
    const index = id === null ? -1 : keys.indexOf(id);
    if (id !== null && index >= start && index < end) {
      revealing.current = null;
      onRevealed?.(id);
    }
  });

  return (
    <List ref={list} className={className} aria-label={label} style={{ paddingTop: offsets[start], paddingBottom: offsets[keys.length]! - offsets[end]! }}>
      {items.slice(start, end).map((item, index) => (
        <li key={keys[start + index]} ref={observe} data-row-key={keys[start + index]} aria-setsize={keys.length} aria-posinset={start + index + 1}>
          {render(item, start + index)}
        </li>
      ))}
    </List>
  );
}
