// Where notifications and the people of each cell live: SQLite (./sqliteNotificationStore.ts) or
// PostgreSQL (./postgresNotificationStore.ts), one contract suite (test/unit/notification-store.test.ts).
// A notification is stored once per target (a person, a nation's FDOs, a nation) and read per
// person, so someone offline when it was made finds it at their next visit; read marks are per
// person. Who may see the object is decided when it is read, never stored (server/notifications/service.ts).
import type { Participant } from '../../shared/markings';
import type { Notification, NotificationTarget } from '../../shared/notifications';

export interface StoredNotification {
  target: NotificationTarget;
  notification: Omit<Notification, 'read'>;
}

/** A person who opened a cell, as they were when they last joined it: who a mention may name. */
export interface CellPerson {
  sub: string;
  name: string;
  participant: Participant;
}

/** Who reads: the targets a person belongs to. */
export interface Reader {
  sub: string;
  nation: string;
  fdo: boolean;
}

export interface NotificationStore {
  add(items: readonly StoredNotification[]): Promise<void>;
  /** The reader's notifications in a cell, newest first, at most `limit`, each with its read mark. */
  forReader(workspaceId: string, reader: Reader, limit: number): Promise<Notification[]>;
  markRead(sub: string, ids: readonly string[]): Promise<void>;
  rememberPerson(workspaceId: string, person: CellPerson): Promise<void>;
  person(workspaceId: string, sub: string): Promise<CellPerson | undefined>;
}

/** The row both engines read back: the notification whole as JSON, and the reader's read mark. */
export interface NotificationRow {
  body: string;
  read: number | boolean | null;
}

export function notificationOf(row: NotificationRow): Notification {
  return { ...(JSON.parse(row.body) as Omit<Notification, 'read'>), read: Boolean(row.read) };
}

/** The target's columns: its kind, and the sub or nation it names. */
export function targetColumns(target: NotificationTarget): [string, string] {
  return [target.kind, target.kind === 'person' ? target.sub : target.nation];
}
