// The notifications feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/notifications/ imports its other files (see .dependency-cruiser.cjs).

export type { Mailer } from './mailer.ts';
export { createSmtpMailer } from './mailer.ts';
export { runNotificationSweep } from './notification-sweep.ts';
export { notificationRoutes } from './notifications.routes.ts';
export { markActionNoticesRead, notifyActionEvent } from './notify.ts';
