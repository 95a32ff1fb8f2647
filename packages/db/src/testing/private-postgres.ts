import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

const execFileAsync = promisify(execFile);

/**
 * A PostgreSQL server of this test's own, so a test can really stop, start and restart it
 * without disturbing the shared server other test files use. Built from the installed
 * PostgreSQL binaries (`pg_config --bindir`) with PostGIS available, as CI installs them.
 */
export interface PrivatePostgres {
  /** URL of the database `hotspot` (PostGIS created) on this server. */
  readonly url: string;
  /** `pg_ctl stop -m fast`: every connection is terminated, new ones are refused. */
  stop(): Promise<void>;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): Promise<void>;
  /** Stops the server and removes its data folder. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * initdb refuses to run as root; as root the server is run as the `postgres` system user (the
 * Debian packages create it), as any other user it is run as that user.
 */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
    : [command, args];
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const { stdout } = await execFileAsync('pg_config', ['--bindir']);
  const bin = stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), 'hotspot-private-pg-'));
  if (process.getuid?.() === 0) {
    const { stdout: ids } = await execFileAsync('id', ['-u', 'postgres']);
    const { stdout: gids } = await execFileAsync('id', ['-g', 'postgres']);
    chownSync(dir, Number(ids.trim()), Number(gids.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const run = async (command: string, args: string[]) => {
    const [file, argv] = asServerUser(join(bin, command), args);
    await execFileAsync(file, argv, { cwd: dir });
  };
  await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  const admin = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, {
    max: 1,
    onnotice: () => undefined,
  });
  try {
    await admin`create database hotspot`;
  } finally {
    await admin.end();
  }
  const url = `postgres://postgres@127.0.0.1:${port}/hotspot`;
  const db = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await db`create extension postgis`;
  } finally {
    await db.end();
  }
  return {
    url,
    stop,
    start,
    close: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
