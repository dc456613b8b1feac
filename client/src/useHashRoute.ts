// Hash routes (`#/`, `#/w/<id>`, `#/w/<id>/audit`, `#/w/<id>/figures`, `#/w/<id>/exercise`): deep links work from
// any static server without a fallback.
import { useSyncExternalStore } from 'react';

/** The pages of an open workspace: the common picture, the audit trail, the sharing figures, exercise control. */
export type WorkspacePage = 'picture' | 'audit' | 'figures' | 'exercise';

export type Route = { page: 'workspaces' } | { page: 'workspace'; workspaceId: string; view: WorkspacePage };

export function parseRoute(hash: string): Route {
  const match = /^#\/w\/([A-Za-z0-9_-]+)(?:\/(audit|figures|exercise))?$/.exec(hash);
  if (!match?.[1]) return { page: 'workspaces' };
  return { page: 'workspace', workspaceId: match[1], view: (match[2] as WorkspacePage | undefined) ?? 'picture' };
}

export function workspaceHref(workspaceId: string, view: WorkspacePage = 'picture'): string {
  return view === 'picture' ? `#/w/${workspaceId}` : `#/w/${workspaceId}/${view}`;
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
