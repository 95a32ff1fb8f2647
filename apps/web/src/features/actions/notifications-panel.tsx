import { Link } from '../../routing/router.tsx';
import { ErrorNotice } from '../../ui/notices.tsx';
import { formatInstant, useMarkNotificationRead, useNotifications } from './actions-api.ts';

/** The in-app notices (assignments, reminders, declines) with a way to mark them read. */
export function NotificationsPanel() {
  const notifications = useNotifications();
  const markRead = useMarkNotificationRead();
  if (notifications.isError)
    return <ErrorNotice error={notifications.error} what="notifications" />;
  const items = notifications.data?.notifications ?? [];
  return (
    <section className="panel" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">
        Notifications
        {notifications.data && notifications.data.unread > 0
          ? ` (${notifications.data.unread} unread)`
          : ''}
      </h2>
      {items.length === 0 ? (
        <p className="hint">Nothing new.</p>
      ) : (
        <ul className="notification-list">
          {items.slice(0, 10).map((n) => (
            <li key={n.id} className={n.read ? undefined : 'notification--unread'}>
              <span className="cell-sub">{formatInstant(n.createdAt)}</span>{' '}
              {n.actionId ? <Link href={`/actions/${n.actionId}`}>{n.message}</Link> : n.message}{' '}
              {!n.read && (
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => markRead.mutate(n.id)}
                >
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
