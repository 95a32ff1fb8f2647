import type { Db } from '@hotspot/db';
import type { Logger } from 'pino';
import type { Env } from './env.ts';
import type { AuditKeyring } from './features/audit/index.ts';
import type { PasswordHashOptions } from './features/auth/index.ts';
import type { Mailer } from './features/notifications/index.ts';

/** Everything the app needs from outside, passed in so tests can substitute it. */
export interface AppDeps {
  readonly db: Db;
  readonly env: Env;
  readonly logger: Logger;
  /** The current time; tests inject a controllable clock. */
  readonly clock: () => Date;
  /** New unique ids (UUID v4 in production). */
  readonly newId: () => string;
  /** The audit chain's HMAC keys (outside the database): loadAuditKeyring at start. */
  readonly auditKeys: AuditKeyring;
  /** argon2id cost; production omits it (OWASP parameters), tests lower it for speed. */
  readonly passwordHashOptions?: PasswordHashOptions;
  /** Sends email when SMTP_URL is set (enrolment links); absent, nothing is emailed. */
  readonly mailer?: Mailer | undefined;
  /** Waits before answering a failed sign-in (backoff); tests inject one that does not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Checks a password against its hash; tests wrap the real one to count the checks made. */
  readonly verifyPassword?: (passwordHash: string, password: string) => Promise<boolean>;
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
    /** Set when the handler wrote an audit event (the safety net in app.ts then writes none). */
    audited: boolean | undefined;
  };
}
