import nodemailer from 'nodemailer';
import type { Env } from '../../env.ts';

/** One plain-text email. Notification emails never carry intelligence (see notify.ts). */
export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends email; injected so tests and deployments choose the transport. */
export interface Mailer {
  send(message: OutgoingEmail): Promise<void>;
}

/**
 * A mailer over SMTP (nodemailer) for `SMTP_URL`, e.g. `smtp://user:pass@mail.example:587`.
 * Example: `const mailer = env.SMTP_URL ? createSmtpMailer(env) : undefined`.
 */
export function createSmtpMailer(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM'>): Mailer {
  if (!env.SMTP_URL) throw new Error('SMTP_URL is not set');
  const transport = nodemailer.createTransport(env.SMTP_URL);
  return {
    async send(message) {
      await transport.sendMail({ from: env.MAIL_FROM, ...message });
    },
  };
}
