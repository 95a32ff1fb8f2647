import type { Role } from '@hotspot/contracts';
import { request, type TestApp } from '../../testing/fixtures.ts';
import { totpCodeAt } from '../auth/index.ts';

/** The one-time code of an enrolment link (it rides in the fragment: /enrol#CODE). */
export function enrolmentCode(link: string): string {
  return new URL(link).hash.slice(1);
}

export interface Redeemed {
  readonly status: number;
  readonly body: {
    readonly email?: string;
    readonly recoveryCodes?: string[];
    readonly awaitingApproval?: boolean;
    readonly errors?: { pointer: string; detail: string }[];
  };
  /** The authenticator secret set up on the way, when the partnership asked for one. */
  readonly totpSecret: string | null;
}

/**
 * Redeems an enrolment link as its recipient would on the /enrol page: opens it, sets up the
 * authenticator app when asked (a code for `at`), and chooses `password`.
 */
export async function redeemEnrolment(
  app: TestApp,
  code: string,
  password: string,
  options: { at?: Date } = {},
): Promise<Redeemed> {
  const start = await request(app, 'POST', '/api/enrolment/start', { json: { token: code } });
  if (start.status !== 200)
    return {
      status: start.status,
      body: (await start.json()) as Redeemed['body'],
      totpSecret: null,
    };
  const form = (await start.json()) as { secondFactor: { secret: string } | null };
  const totpSecret = form.secondFactor?.secret ?? null;
  const complete = await request(app, 'POST', '/api/enrolment/complete', {
    json: {
      token: code,
      password,
      ...(totpSecret ? { code: totpCodeAt(totpSecret, options.at ?? new Date()) } : {}),
    },
  });
  return { status: complete.status, body: (await complete.json()) as Redeemed['body'], totpSecret };
}

export interface EnrolledUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly totpSecret: string | null;
  readonly awaitingApproval: boolean;
}

/**
 * A user created through POST /api/admin/users and enrolled through their link, the way a
 * real one is. Example:
 * `await createAndEnrol(app, adminCookie, { email: 'a@x.test', role: 'viewer', agencyCode: 'BDC' })`.
 */
export async function createAndEnrol(
  app: TestApp,
  adminCookie: string,
  user: { email: string; role: Role; agencyCode: string; name?: string },
  options: { password?: string; at?: Date } = {},
): Promise<EnrolledUser> {
  const created = await request(app, 'POST', '/api/admin/users', {
    cookie: adminCookie,
    json: { name: user.name ?? `Enrolled ${user.role}`, ...user },
  });
  if (created.status !== 201)
    throw new Error(`create failed: ${created.status} ${await created.text()}`);
  const body = (await created.json()) as { id: string; email: string; enrolment: { link: string } };
  const password = options.password ?? 'Enrolled-kestrel-rhubarb-58';
  const redeemed = await redeemEnrolment(
    app,
    enrolmentCode(body.enrolment.link),
    password,
    options.at ? { at: options.at } : {},
  );
  if (redeemed.status !== 200)
    throw new Error(`enrolment failed: ${redeemed.status} ${JSON.stringify(redeemed.body)}`);
  return {
    id: body.id,
    email: body.email,
    password,
    totpSecret: redeemed.totpSecret,
    awaitingApproval: redeemed.body.awaitingApproval ?? false,
  };
}
