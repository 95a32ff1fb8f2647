import type { Db } from '@hotspot/db';
import type { Logger } from 'pino';
import type { Env } from './env.ts';
import type { PasswordHashOptions } from './features/accounts/passwords.ts';
import type { Mailer } from './features/notifications/mailer.ts';

/** Everything the app needs from outside, passed in so tests can substitute it. */
export interface AppDeps {
  readonly db: Db;
  readonly env: Env;
  readonly logger: Logger;
  /** The current time; tests inject a controllable clock. */
  readonly clock: () => Date;
  /** New unique ids (UUID v4 in production). */
  readonly newId: () => string;
  /** argon2id cost; production omits it (OWASP parameters), tests lower it for speed. */
  readonly passwordHashOptions?: PasswordHashOptions;
  /** Sends email when SMTP_URL is set (enrolment links); absent, nothing is emailed. */
  readonly mailer?: Mailer | undefined;
}

/** The signed-in user, as the auth middleware puts it on the context. */
export interface SessionUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: 'admin' | 'analyst' | 'chair' | 'partner' | 'viewer';
  readonly partnershipId: string;
  readonly agencyId: string;
  readonly agencyCode: string;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** The client's address: the socket's, or from X-Forwarded-For behind trusted proxies. */
    clientAddress: string | null;
    user: SessionUser | undefined;
    sessionIdHash: string | undefined;
  };
}
