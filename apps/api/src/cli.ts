import { randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Role, RoleSchema } from '@hotspot/contracts';
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
import { createUser, inviteUser } from './features/accounts/index.ts';
import { AuditKeyError, type AuditKeyring, loadAuditKeyring } from './features/audit/index.ts';
import { ensureDemo } from './features/demo/index.ts';
import {
  checkImportFile,
  checkPartnershipInput,
  createPartnership,
  describeCreated,
  describeTaxonomy,
  importAgencies,
  importTaxonomy,
  readSetupFile,
  requireAgency,
  resolvePartnership,
} from './features/partnership/index.ts';
import { ProblemError } from './http/problem.ts';

const USAGE = `usage: npm run cli -- <command>
  migrate                                   apply database migrations
  seed-demo                                 seed the synthetic North Worcestershire demo (empty database only)
  create-partnership --name NAME --districts FILE.geojson [--code-property P] [--name-property P]
                     [--slug S] [--agencies FILE.csv] [--taxonomy FILE.csv]
                                            a partnership whose area is the union of the districts;
                                            the default CSE taxonomy unless --taxonomy is given
  import-agencies FILE.csv [--partnership SLUG]
                                            add or correct agencies (columns code,name,kind[,email])
  import-taxonomy FILE.csv [--partnership SLUG]
                                            add or correct categories, place types and the police.uk
                                            mapping (columns kind,code,label[,description][,police_uk_crime_types])
  create-user --email E --role R --agency CODE [--name N] [--partnership SLUG]
                                            prints a one-time enrolment link; only the first
                                            admin's password is read from standard input;
                                            --partnership is required when the database holds several
  backup FILE                               write a portable backup (gzip NDJSON)
  restore FILE                              restore a backup into an empty database
The database is DATABASE_URL when set, otherwise the PGlite folder DATA_DIR (default ./data).`;

class UsageError extends Error {}

/** A command whose arguments and files have been checked: what is left needs the database. */
type Prepared = (db: Db, applied: readonly string[]) => Promise<void>;

async function run(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = loadEnv();
  // Arguments and files first: a typo or a bad file is refused at once, without opening (or
  // migrating) the database, which takes seconds on the embedded one.
  const prepared = await prepare(command, rest);
  const db = await createDb(
    env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR },
  );
  try {
    await prepared(db, await migrateToLatest(db.kysely));
  } finally {
    await db.close();
  }
}

async function prepare(command: string, rest: readonly string[]): Promise<Prepared> {
  switch (command) {
    case 'migrate':
      return async (_db, applied) => {
        process.stdout.write(
          applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n',
        );
      };
    case 'seed-demo':
      return (db) => seedDemo(db);
    case 'create-partnership':
      return await prepareCreatePartnership(rest);
    case 'import-agencies':
    case 'import-taxonomy':
      return prepareImport(command, rest);
    case 'create-user':
      return prepareCreateUser(rest);
    case 'backup': {
      const file = single(rest, 'backup FILE');
      return async (db) => {
        const counts = await backupTo(db, file, new Date());
        process.stdout.write(`backup written to ${file}: ${summarise(counts)}\n`);
      };
    }
    case 'restore': {
      const file = single(rest, 'restore FILE');
      return async (db) => {
        const counts = await restoreFrom(db, file);
        process.stdout.write(`restored from ${file}: ${summarise(counts)}\n`);
      };
    }
    default:
      throw new UsageError(`unknown command: ${command}`);
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

/** parseArgs, with an unknown or malformed option reported as a usage error. */
function parseOptions<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function prepareCreatePartnership(args: readonly string[]): Promise<Prepared> {
  const { values } = parseOptions({
    args: [...args],
    options: {
      name: { type: 'string' },
      districts: { type: 'string' },
      'code-property': { type: 'string' },
      'name-property': { type: 'string' },
      slug: { type: 'string' },
      agencies: { type: 'string' },
      taxonomy: { type: 'string' },
    },
    strict: true,
  });
  if (!values.name || !values.districts) {
    throw new UsageError('create-partnership needs --name and --districts');
  }
  const checked = await checkPartnershipInput({
    name: values.name,
    slug: values.slug,
    districts: readSetupFile(values.districts),
    codeProperty: values['code-property'],
    nameProperty: values['name-property'],
    agencies: values.agencies ? readSetupFile(values.agencies) : undefined,
    taxonomy: values.taxonomy ? readSetupFile(values.taxonomy) : undefined,
  });
  return async (db) => {
    const created = await createPartnership(
      { db, clock: () => new Date(), newId: randomUUID, auditKeys: auditKeyring() },
      checked,
    );
    process.stdout.write(`${describeCreated(created).join('\n')}\n`);
  };
}

function prepareImport(
  command: 'import-agencies' | 'import-taxonomy',
  args: readonly string[],
): Prepared {
  const { values, positionals } = parseOptions({
    args: [...args],
    options: { partnership: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const file = readSetupFile(single(positionals, `${command} FILE.csv [--partnership SLUG]`));
  checkImportFile(command === 'import-agencies' ? 'agencies' : 'taxonomy', file);
  return async (db) => {
    const deps = { db, clock: () => new Date(), newId: randomUUID, auditKeys: auditKeyring() };
    if (command === 'import-agencies') {
      const done = await importAgencies(deps, values.partnership, file);
      process.stdout.write(`imported ${done.agencies} agencies into ${done.partnership.slug}\n`);
    } else {
      const done = await importTaxonomy(deps, values.partnership, file);
      process.stdout.write(
        `imported into ${done.partnership.slug}: ${describeTaxonomy(done.taxonomy)}\n`,
      );
    }
  };
}

function prepareCreateUser(args: readonly string[]): Prepared {
  const { values } = parseOptions({
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
  const { email, agency } = values;
  if (!email || !values.role || !agency) {
    throw new UsageError('create-user needs --email, --role and --agency');
  }
  const role = RoleSchema.safeParse(values.role);
  if (!role.success) throw new UsageError(`--role must be one of ${RoleSchema.options.join(', ')}`);
  return (db) =>
    createUserCommand(db, {
      email,
      role: role.data,
      agency,
      name: values.name,
      partnership: values.partnership,
    });
}

async function createUserCommand(
  db: Db,
  values: {
    email: string;
    role: Role;
    agency: string;
    name: string | undefined;
    partnership: string | undefined;
  },
): Promise<void> {
  const partnership = await resolvePartnership(db.kysely, values.partnership);
  await requireAgency(db.kysely, partnership, values.agency);
  const input = {
    partnershipId: partnership.id,
    email: values.email,
    name: values.name ?? values.email,
    role: values.role,
    agencyCode: values.agency,
  };
  const deps = { db, env: loadEnv(), clock: () => new Date(), newId: randomUUID };
  const anAdmin = await db.kysely
    .selectFrom('app_user')
    .select('id')
    .where('partnership_id', '=', input.partnershipId)
    .where('role', '=', 'admin')
    .executeTakeFirst();
  if (values.role !== 'admin' || anAdmin) {
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

/**
 * The audit chain's keys, as the server loads them (AUDIT_KEY, AUDIT_KEY_FILE, or the key file
 * beside the PGlite folder), for the commands that write audit events.
 */
function auditKeyring(): AuditKeyring {
  return loadAuditKeyring(loadEnv()).keyring;
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
    error instanceof AuditKeyError ||
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
