// This participant's notifications in one workspace, live: listed with `notifications:list` each
// time the workspace session (re)joins (so what came while offline is there), then kept current by
// `notification`. The server sends only notifications about objects this participant may see.
// Browser notifications are opt-in: shown only when the user turned them on and granted permission.
import type { Notification } from '../../../shared/protocol';
import type { Connection } from './connection';
import type { Picture } from './picture';

export interface NotificationBoardSnapshot {
  /** Newest first. */
  items: readonly Notification[];
  unread: number;
}

const BROWSER_KEY = 'tearline.browserNotifications';

export class NotificationBoard {
  private items: Notification[] = [];
  private snapshot: NotificationBoardSnapshot = { items: [], unread: 0 };
  private readonly listeners = new Set<() => void>();
  private wasLive = false;
  private readonly stopWatching: () => void;

  constructor(
    private readonly connection: Pick<Connection, 'request' | 'socket'>,
    private readonly session: Picture & { readonly workspaceId: string },
    /** How a notification reads in a browser notification (the title of its object, from the picture). */
    private readonly describe: (notification: Notification) => string,
  ) {
    connection.socket.on('notification', this.onNotification);
    this.stopWatching = session.subscribe(this.onSession);
    this.onSession();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): NotificationBoardSnapshot => this.snapshot;

  async markRead(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.connection.request('notifications:read', { workspaceId: this.session.workspaceId, ids: [...ids] });
    const read = new Set(ids);
    this.set(this.items.map((n) => (read.has(n.id) ? { ...n, read: true } : n)));
  }

  close(): void {
    this.connection.socket.off('notification', this.onNotification);
    this.stopWatching();
  }

  private readonly onSession = (): void => {
    const live = this.session.getSnapshot().status === 'live';
    if (live && !this.wasLive) void this.load();
    this.wasLive = live;
  };

  private async load(): Promise<void> {
    try {
      const { notifications } = await this.connection.request('notifications:list', { workspaceId: this.session.workspaceId });
      this.set(notifications);
    } catch {
      // Kept as it was: the next (re)join lists them again.
    }
  }

  private readonly onNotification = (notification: Notification): void => {
    if (notification.workspaceId !== this.session.workspaceId || this.items.some((n) => n.id === notification.id)) return;
    this.set([notification, ...this.items]);
    if (browserNotificationsOn()) new window.Notification('Tearline', { body: this.describe(notification), tag: notification.id });
  };

  private set(items: Notification[]): void {
    this.items = items;
    this.snapshot = { items, unread: items.filter((n) => !n.read).length };
    for (const listener of this.listeners) listener();
  }
}

export function browserNotificationsOn(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window && window.Notification.permission === 'granted' && localStorage.getItem(BROWSER_KEY) === 'on';
}

/** Turns browser notifications on (asking the browser's permission) or off; answers whether they are on. */
export async function setBrowserNotifications(on: boolean): Promise<boolean> {
  if (!on || !('Notification' in window)) {
    localStorage.setItem(BROWSER_KEY, 'off');
    return false;
  }
  const permission = await window.Notification.requestPermission();
  localStorage.setItem(BROWSER_KEY, permission === 'granted' ? 'on' : 'off');
  return permission === 'granted';
}
