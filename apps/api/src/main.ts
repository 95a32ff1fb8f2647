import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import {
  createDb,
  DatabaseUnavailableError,
  databaseActivity,
  migrateToLatest,
  SchemaTooNewError,
} from '@hotspot/db';
import { createApp } from './app.ts';
import { EnvError, loadEnv } from './env.ts';
import {
  AuditKeyError,
  checkpointDir,
  loadAuditKeyring,
  writeCheckpoint,
} from './features/audit/index.ts';
import { ensureDemo } from './features/demo/index.ts';
import { publishLeftovers } from './features/disclosure/index.ts';
import { createSmtpMailer, runNotificationSweep } from './features/notifications/index.ts';
import { hasPartnership, NO_PARTNERSHIP_HELP } from './features/partnership/index.ts';
import { createLogger } from './http/logger.ts';

// Due-soon/overdue notices and queued emails. Every process may run it: the sweep is idempotent
// and claims emails in the database, so running several API processes sends nothing twice.
const NOTIFICATION_SWEEP_MS = 60_000;

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const db = await createDb(
    env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR },
  );
  let closing = false;
  const shutdown = async (signal: string) => {
    // tsx and process managers may forward the same signal twice: shut down once, and
    // force the exit only if closing hangs.
    if (closing) return;
    closing = true;
    setTimeout(() => {
      process.stderr.write(`hotspot-map: shutdown after ${signal} took too long; exiting\n`);
      process.exit(1);
    }, 15_000).unref();
    logger.info({ signal }, 'shutting down');
    server?.close();
    // Let in-flight requests finish (bounded), then close the database so PGlite flushes.
    await new Promise((r) => setTimeout(r, 200));
    // The head as this process leaves it, outside the database (and in the log).
    if (checkpoints) {
      await writeCheckpoint({ db, clock: () => new Date(), logger }, checkpoints).catch(
        (error: unknown) => logger.error({ err: error }, 'audit checkpoint failed'),
      );
    }
    await db.close();
    logger.info('database closed');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // For an operator (or a failing test) asking what a stalled process waits on: the database
  // connections it is waiting for and the statements still running, oldest first (no data).
  process.on('SIGUSR2', () => {
    logger.warn({ database: databaseActivity(db) ?? 'embedded' }, 'database activity');
  });
  let server: ReturnType<typeof serve> | undefined;
  let checkpoints: string | undefined;

  // After connecting, so an unreachable database is reported as such first.
  const { keyring, source, created } = loadAuditKeyring(env);
  if (created) logger.warn({ file: source }, 'audit key created: back it up apart from the data');
  const applied = await migrateToLatest(db.kysely);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const mailer = env.SMTP_URL ? createSmtpMailer(env) : undefined;
  const deps = {
    db,
    env,
    logger,
    clock: () => new Date(),
    newId: randomUUID,
    auditKeys: keyring,
    mailer,
  };
  checkpoints = checkpointDir(env);
  await writeCheckpoint(deps, checkpoints);
  let checkpointing = false;
  setInterval(() => {
    if (checkpointing || closing) return;
    checkpointing = true;
    writeCheckpoint(deps, checkpoints!)
      .catch((error: unknown) => logger.error({ err: error }, 'audit checkpoint failed'))
      .finally(() => {
        checkpointing = false;
      });
  }, env.AUDIT_CHECKPOINT_MINUTES * 60_000).unref();
  const demo = env.SEED_DEMO ? await ensureDemo(deps) : undefined;
  if (closing) return;
  // Without the demo an empty database would serve a sign-in page no one can pass: say what to
  // run instead.
  if (!demo && !(await hasPartnership(db.kysely))) {
    process.stderr.write(`${NO_PARTNERSHIP_HELP}\n`);
    await db.close();
    process.exit(1);
  }
  const app = createApp(deps);
  // Batches committed before a stop but not yet counted into the published table: counted now
  // rather than at each partnership's first reader.
  void publishLeftovers(deps);
  let sweeping = false;
  setInterval(() => {
    if (sweeping || closing) return;
    sweeping = true;
    runNotificationSweep({ ...deps, mailer })
      .catch((error: unknown) => logger.error({ err: error }, 'notification sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, NOTIFICATION_SWEEP_MS).unref();
  server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    const url = `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST === '127.0.0.1' ? 'localhost' : env.HOST}:${info.port}`;
    const lines = [`Hotspot map listening on ${url} (database: ${db.kind})`];
    if (demo?.created) {
      lines.push('', 'Synthetic demo data seeded. Demo sign-ins (passwords shown once):');
      for (const u of demo.users) lines.push(`  ${u.role.padEnd(8)} ${u.email}  ${u.password}`);
      lines.push('');
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

main().catch((error: unknown) => {
  if (
    error instanceof EnvError ||
    error instanceof AuditKeyError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof SchemaTooNewError
  ) {
    process.stderr.write(`hotspot-map: ${error.message}\n`);
  } else {
    process.stderr.write(
      `hotspot-map: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
