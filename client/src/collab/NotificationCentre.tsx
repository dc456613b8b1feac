// The notification centre: a bell with the unread count, the list (newest first) in words, each
// opening its object; browser notifications are opt-in from here.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Notification } from '../../../shared/protocol';
import type { Connection } from '../session/connection';
import { browserNotificationsOn, NotificationBoard, setBrowserNotifications, type NotificationBoardSnapshot } from '../session/notificationBoard';
import type { WorkspaceSession } from '../session/workspaceSession';
import { useWorkspace } from '../workspace/context';
import { objectLabel } from '../workspace/objectLabel';
import { notificationText } from './notificationText';
import { commentedObject } from './threads';

/** Until the board exists: one snapshot object, as useSyncExternalStore requires. */
const NO_SNAPSHOT: NotificationBoardSnapshot = { items: [], unread: 0 };
const NO_BOARD = { subscribe: () => () => undefined, getSnapshot: () => NO_SNAPSHOT };

export function NotificationCentre({ connection, session }: { connection: Pick<Connection, 'request' | 'socket'>; session: WorkspaceSession }) {
  const { picture, byId, openObject } = useWorkspace();
  const label = (n: Notification): string => {
    const object = byId.get(n.objectId);
    if (!object) return 'an item';
    if (object.kind !== 'comment') return objectLabel(object, picture);
    const on = commentedObject(byId, object.id);
    return `a comment on ${on ? objectLabel(on, picture) : 'an item'}`;
  };
  const [board, setBoard] = useState<NotificationBoard | null>(null);
  useEffect(() => {
    const created = new NotificationBoard(connection, session, (n) => notificationText(n, 'an item in Tearline'));
    setBoard(created);
    return () => created.close();
  }, [connection, session]);
  const [open, setOpen] = useState(false);
  const [browser, setBrowser] = useState(browserNotificationsOn);
  const { items, unread } = useSyncExternalStore(board?.subscribe ?? NO_BOARD.subscribe, board?.getSnapshot ?? NO_BOARD.getSnapshot);
  return (
    <div className="notification-centre">
      <button type="button" aria-expanded={open} onClick={() => setOpen((value) => !value)} aria-label={`Notifications, ${unread} unread`}>
        🔔 {unread > 0 ? unread : ''}
      </button>
      {open && (
        <div className="notification-list" role="region" aria-label="Notifications">
          <label>
            <input type="checkbox" checked={browser} onChange={(e) => void setBrowserNotifications(e.target.checked).then(setBrowser)} /> Browser notifications
          </label>
          {items.length === 0 && <p className="muted">No notifications.</p>}
          <ul>
            {items.map((n) => (
              <li key={n.id} className={n.read ? 'read' : 'unread'} data-notification-kind={n.kind}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    void board?.markRead([n.id]);
                    openObject(commentedObject(byId, n.objectId)?.id ?? n.objectId);
                  }}
                >
                  {notificationText(n, label(n))}
                </button>
                <time dateTime={n.at}> {n.at.slice(11, 16)}Z</time>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
