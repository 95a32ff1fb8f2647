import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@hotspot/db';
import { migratedPgliteFolder } from '@hotspot/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from './features/audit/index.ts';
import { TEST_AUDIT_KEYRING } from './testing/audit-key.ts';
import { startServerProcess } from './testing/server-process.ts';

const folders: string[] = [];

function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotspot-process-'));
  folders.push(dir);
  return dir;
}

const start = startServerProcess;

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('the server process on the embedded database', () => {
  it('shuts down cleanly on SIGTERM during writes, leaving the folder openable with committed data intact', async () => {
    const dataDir = tempFolder();
    // A migrated folder: this test is about the shutdown; the next is about the first start.
    await migratedPgliteFolder(dataDir);
    const server = start({ DATA_DIR: dataDir, SEED_DEMO: 'true', LOG_LEVEL: 'info' });
    const [, port] = await server.waitFor(/listening on http:\/\/localhost:(\d+)/);
    const [, analystPassword] = await server.waitFor(/analyst\s+analyst@demo\.invalid\s+(\S+)/);
    const base = `http://127.0.0.1:${port}`;
    const signIn = () =>
      fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ email: 'analyst@demo.invalid', password: analystPassword }),
      }).then(
        (r) => r.status,
        () => 0,
      );
    // Writes (sessions, audit events) keep arriving while the signal lands.
    const completed = await Promise.all(Array.from({ length: 5 }, signIn));
    expect(completed.every((status) => status === 200)).toBe(true);
    const inFlight = Array.from({ length: 10 }, signIn);
    server.child.kill('SIGTERM');
    const statuses = await Promise.all(inFlight);
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/database closed/);

    const db = await createDb({ dataDir });
    try {
      const records = await db.kysely
        .selectFrom('intelligence_record')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(records.n)).toBe(2400);
      const signIns = await db.kysely
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('action', '=', 'login')
        .where('outcome', '=', 'ok')
        .executeTakeFirstOrThrow();
      // Every sign-in the client saw succeed is in the audit trail, and the chain is whole.
      const succeeded = 5 + statuses.filter((s) => s === 200).length;
      expect(Number(signIns.n)).toBeGreaterThanOrEqual(succeeded);
      expect(await verifyAuditChain(db.kysely, TEST_AUDIT_KEYRING)).toMatchObject({ ok: true });
    } finally {
      await db.close();
    }
  });

  it('leaves no half-seeded demo when stopped during the first start', async () => {
    // An empty folder: the whole first start, initdb and every migration included, as on a
    // fresh machine (the one test that starts the compiled server from nothing; the others start
    // from the migrated template). What must not be left half done is the demo, seeded last.
    const dataDir = tempFolder();
    const server = start({ DATA_DIR: dataDir, SEED_DEMO: 'true', LOG_LEVEL: 'info' });
    // The first audit checkpoint is written after migrating, just before the demo is seeded.
    await server.waitFor(/audit checkpoint/);
    server.child.kill('SIGTERM');
    await server.exited;
    const db = await createDb({ dataDir });
    try {
      const partnerships = await db.kysely.selectFrom('partnership').select('id').execute();
      const records = await db.kysely
        .selectFrom('intelligence_record')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      // Either the whole demo or nothing at all.
      expect(partnerships.length === 0 ? 0 : 2400).toBe(Number(records.n));
    } finally {
      await db.close();
    }
  });

  it('refuses to start with one clear line when the data folder is unusable or the env is invalid', async () => {
    const notAFolder = join(tempFolder(), 'file');
    writeFileSync(notAFolder, 'not a database');
    const broken = start({ DATA_DIR: notAFolder, SEED_DEMO: 'false' });
    expect(await broken.exited).toBe(1);
    expect(broken.output()).toMatch(/^hotspot-map: cannot open the embedded database in .*file/m);
    expect(broken.output()).not.toMatch(/\n\s+at /);

    const badEnv = start({ PORT: 'eighty' });
    expect(await badEnv.exited).toBe(1);
    expect(badEnv.output().trim()).toMatch(/^hotspot-map: invalid environment: PORT: /);

    const unreachable = start({ DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' });
    expect(await unreachable.exited).toBe(1);
    expect(unreachable.output().trim()).toMatch(
      /^hotspot-map: cannot reach PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:9\/none/,
    );
    expect(unreachable.output()).not.toMatch(/\n\s+at /);
  });

  // A full or read-only data folder needs a real mount; CI runs as root, where mount works.
  const canMount = (() => {
    const probe = mkdtempSync(join(tmpdir(), 'hotspot-mount-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
      execFileSync('umount', [probe]);
      return true;
    } catch {
      return false;
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  })();

  it.skipIf(!canMount)(
    'refuses to start with one clear line when the data folder is full',
    async () => {
      const mountPoint = tempFolder();
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
      try {
        const full = start({ DATA_DIR: join(mountPoint, 'data'), SEED_DEMO: 'false' });
        expect(await full.exited).toBe(1);
        expect(full.output().trim()).toMatch(
          /^hotspot-map: cannot open the embedded database in .*: no space left on the device \(ENOSPC\)$/,
        );
      } finally {
        execFileSync('umount', [mountPoint]);
      }
    },
  );

  it.skipIf(!canMount)(
    'refuses to start with one clear line when the data folder is read-only',
    async () => {
      const mountPoint = tempFolder();
      mkdirSync(join(mountPoint, 'data'));
      execFileSync('mount', ['--bind', mountPoint, mountPoint]);
      try {
        execFileSync('mount', ['-o', 'remount,ro,bind', mountPoint]);
        const readOnly = start({ DATA_DIR: join(mountPoint, 'data'), SEED_DEMO: 'false' });
        expect(await readOnly.exited).toBe(1);
        expect(readOnly.output().trim()).toMatch(
          /^hotspot-map: the data folder .* is not writable \(read-only file system, EROFS\)$/,
        );
      } finally {
        execFileSync('umount', [mountPoint]);
      }
    },
  );
});
