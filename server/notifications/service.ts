// Notifications end to end: stored first (a person offline finds them at their next visit), then
// delivered live to the sockets of the cell, on any node, that they address and whose participant
// may see the object at that moment. A list is filtered the same way when it is read.
import type { Notification } from '../../shared/notifications';
import type { Participant } from '../../shared/markings';
import type { ObjectIndex } from '../objects/objectIndex';
import { addresses, visibleNotifications } from './plan';
import type { NotificationStore, Reader, StoredNotification } from './store';

/** The most a list answers; older ones stay stored. */
export const NOTIFICATIONS_LISTED = 200;
/** Read before filtering, so that hidden ones do not shorten the list much. */
const READ_AHEAD = 1000;

/** A socket of the cell as the notifier needs it: who is behind it, and how to tell them. */
export interface Listener {
  reader: Reader;
  participant: Participant;
  emit(notification: Notification): void;
}

export interface NotifierPorts {
  store: NotificationStore;
  /** The cell's index now (undefined: no such cell). */
  index(workspaceId: string): Promise<ObjectIndex | undefined>;
  /** The sockets that joined the cell, on every node. */
  listeners(workspaceId: string): Promise<Listener[]>;
}

export interface Notifier {
  send(items: readonly StoredNotification[]): Promise<void>;
  list(workspaceId: string, index: ObjectIndex, reader: Reader, participant: Participant): Promise<Notification[]>;
  markRead(sub: string, ids: readonly string[]): Promise<void>;
}

export function createNotifier(ports: NotifierPorts): Notifier {
  return {
    async send(items) {
      if (items.length === 0) return;
      await ports.store.add(items);
      const workspaceId = items[0]!.notification.workspaceId;
      const [index, listeners] = await Promise.all([ports.index(workspaceId), ports.listeners(workspaceId)]);
      if (!index) return;
      for (const listener of listeners) {
        const mine = items.filter((item) => addresses(item.target, listener.reader)).map((item) => ({ ...item.notification, read: false }));
        // Several targets may name one reader (their person and their nation): told once.
        const once = [...new Map(mine.map((n) => [`${n.kind}#${n.objectId}`, n])).values()];
        for (const notification of visibleNotifications(index, listener.participant, once)) listener.emit(notification);
      }
    },
    async list(workspaceId, index, reader, participant) {
      const stored = await ports.store.forReader(workspaceId, reader, READ_AHEAD);
      return visibleNotifications(index, participant, stored).slice(0, NOTIFICATIONS_LISTED);
    },
    markRead: (sub, ids) => ports.store.markRead(sub, ids),
  };
}
