import { randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { RoleSchema } from '@hotspot/contracts';
import {
  BackupError,
  backupTo,
  createDb,
  DatabaseUnavailableError,
  type Db,
  migrateToLatest,
  restoreFrom,
  SchemaTooNewError,
} from '@hotspot/db';
import { EnvError, loadEnv } from './env.ts';
import { createUser } from './features/accounts/create-user.ts';
import { inviteUser } from './features/accounts/enrolment.ts';
import { ensureDemo } from './features/demo/ensure-demo.ts';
import { ProblemError } from './http/problem.ts';

const USAGE = `usage: npm run cli -- <command>
  migrate                                   apply database migrations
  seed-demo                                 seed the synthetic North Worcestershire demo (empty database only)
  create-user --email E --role R --agency CODE [--name N] [--partnership SLUG]
                                            prints a one-time enrolment link; only the first
                                            admin's password is read from standard input
  backup FILE                               write a portable backup (gzip NDJSON)
  restore FILE                              restore a backup into an empty database
The database is DATABASE_URL when set, otherwise the PGlite folder DATA_DIR (default ./data).`;

class UsageError extends Error {}

async function run(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = loadEnv();
  const db = await createDb(
    env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR },
  );
  try {
    const applied = await migrateToLatest(db.kysely);
    switch (command) {
      case 'migrate':
        process.stdout.write(
          applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n',
        );
        return;
      case 'seed-demo':
        return await seedDemo(db);
      case 'create-user':
        return await createUserCommand(db, rest);
      case 'backup': {
        const file = single(rest, 'backup FILE');
        const counts = await backupTo(db, file, new Date());
        process.stdout.write(`backup written to ${file}: ${summarise(counts)}\n`);
        return;
      }
      case 'restore': {
        const file = single(rest, 'restore FILE');
        const counts = await restoreFrom(db, file);
        process.stdout.write(`restored from ${file}: ${summarise(counts)}\n`);
        return;
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } finally {
    await db.close();
  }
}

async function seedDemo(db: Db): Promise<void> {
  const result = await ensureDemo({ db, clock: () => new Date(), newId: randomUUID });
  if (!result.created) {
    process.stdout.write('the database already holds a partnership; nothing seeded\n');
    return;
  }
  process.stdout.write(`seeded the synthetic demo: ${result.records} records\n`);
  for (const u of result.users)
    process.stdout.write(`  ${u.role.padEnd(8)} ${u.email}  ${u.password}\n`);
}

async function createUserCommand(db: Db, args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      agency: { type: 'string' },
      name: { type: 'string' },
      partnership: { type: 'string' },
    },
    strict: true,
  });
  if (!values.email || !values.role || !values.agency) {
    throw new UsageError('create-user needs --email, --role and --agency');
  }
  const role = RoleSchema.safeParse(values.role);
  if (!role.success) throw new UsageError(`--role must be one of ${RoleSchema.options.join(', ')}`);
  const partnerships = await db.kysely
    .selectFrom('partnership')
    .select(['id', 'slug'])
    .$if(values.partnership !== undefined, (q) => q.where('slug', '=', values.partnership!))
    .execute();
  if (partnerships.length !== 1) {
    throw new UsageError(
      partnerships.length === 0
        ? 'no partnership found (run seed-demo, or give --partnership SLUG)'
        : 'several partnerships exist: give --partnership SLUG',
    );
  }
  const input = {
    partnershipId: partnerships[0]!.id,
    email: values.email,
    name: values.name ?? values.email,
    role: role.data,
    agencyCode: values.agency,
  };
  const deps = { db, env: loadEnv(), clock: () => new Date(), newId: randomUUID };
  const anAdmin = await db.kysely
    .selectFrom('app_user')
    .select('id')
    .where('partnership_id', '=', input.partnershipId)
    .where('role', '=', 'admin')
    .executeTakeFirst();
  if (role.data !== 'admin' || anAdmin) {
    // Everyone after the first admin chooses their own password through a one-time link.
    const origin = deps.env.PUBLIC_ORIGIN ?? `http://localhost:${deps.env.PORT}`;
    const invited = await inviteUser(deps, input, { requestedBy: null, origin });
    process.stdout.write(`created user ${invited.id}\n`);
    process.stdout.write(`enrolment-code: ${invited.enrolment.code}\n`);
    process.stdout.write(`enrolment-link: ${invited.enrolment.link}\n`);
    process.stdout.write(`expires: ${invited.enrolment.expiresAt.toISOString()}\n`);
    if (invited.grantId)
      process.stdout.write('the analyst role waits for an admin to approve it\n');
    return;
  }
  const password = (await text(process.stdin)).replace(/\r?\n$/, '');
  if (!password) throw new UsageError('give the first admin password on standard input');
  const created = await createUser(deps, { ...input, password });
  process.stdout.write(`created user ${created.id}\n`);
  if (created.totpSecret) process.stdout.write(`totp-secret: ${created.totpSecret}\n`);
}

function single(args: readonly string[], usage: string): string {
  if (args.length !== 1 || !args[0]) throw new UsageError(`usage: ${usage}`);
  return args[0];
}

function summarise(counts: Record<string, number>): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return `${total} rows in ${Object.keys(counts).length} tables`;
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (error instanceof ProblemError) {
    process.stderr.write(`hotspot-map: ${error.detail ?? error.message}\n`);
    process.exit(1);
  }
  if (
    error instanceof EnvError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof SchemaTooNewError ||
    error instanceof BackupError
  ) {
    process.stderr.write(`hotspot-map: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`hotspot-map: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
