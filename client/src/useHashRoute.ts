// Hash routes (`#/`, `#/w/<id>`): deep links work from any static server without a fallback.
import { useSyncExternalStore } from 'react';

export type Route = { page: 'workspaces' } | { page: 'workspace'; workspaceId: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/w\/([A-Za-z0-9_-]+)$/.exec(hash);
  return match?.[1] ? { page: 'workspace', workspaceId: match[1] } : { page: 'workspaces' };
}

export function workspaceHref(workspaceId: string): string {
  return `#/w/${workspaceId}`;
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
