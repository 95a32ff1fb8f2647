import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '@hotspot/db';
import { migratedPgliteFolder, testDatabases } from '@hotspot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolmentTokenHash } from './features/accounts/index.ts';
import { builtApi } from './testing/built-api.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Runs the command-line tool as an operator would, with `input` on standard input. */
function cli(
  args: readonly string[],
  env: Record<string, string>,
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...env };
    for (const name of ['PUBLIC_ORIGIN', 'DATABASE_URL', 'PORT'])
      if (!(name in env)) delete childEnv[name];
    const child = spawn(process.execPath, [...builtApi('cli'), ...args], {
      cwd: ROOT,
      env: childEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

// The command line reads a password only for a partnership's first admin (nobody exists yet to
// hand out a link); everyone after gets a one-time enrolment link, an analyst a pending request.
describe.each(testDatabases())('create-user on the command line on $kind', (target) => {
  let env: Record<string, string>;
  let dataDir: string | undefined;
  let db: Db;

  beforeAll(async () => {
    if (target.createUrl) {
      const url = await target.createUrl();
      env = { DATABASE_URL: url };
      db = await createDb({ databaseUrl: url, maxConnections: 2 });
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'hotspot-cli-'));
      env = { DATA_DIR: dataDir };
      await migratedPgliteFolder(dataDir);
      db = await createDb({ dataDir });
    }
    const partnershipId = '00000000-0000-4000-8000-00000000c111';
    await db.kysely
      .insertInto('partnership')
      .values({ id: partnershipId, slug: 'cli-csp', name: 'CLI partnership', area: null })
      .execute();
    await db.kysely
      .insertInto('agency')
      .values({
        id: '00000000-0000-4000-8000-00000000c112',
        partnership_id: partnershipId,
        code: 'POL',
        name: 'Police',
        kind: 'police',
        email: null,
      })
      .execute();
    // PGlite allows one process at a time on a folder: the CLI opens it after this closes.
    if (dataDir) await db.close();
  }, 300_000);
  afterAll(async () => {
    if (!dataDir) await db.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads a password for the first admin only, then prints enrolment links', async () => {
    const base = ['create-user', '--agency', 'POL', '--partnership', 'cli-csp'];
    const first = await cli(
      [...base, '--email', 'first@cli.test', '--role', 'admin'],
      env,
      'First-admin-gooseberry-62\n',
    );
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^created user [0-9a-f-]{36}\n/);
    expect(first.stdout).not.toContain('enrolment');

    // Nothing on standard input is needed (or read) for anyone else.
    const analyst = await cli([...base, '--email', 'analyst@cli.test', '--role', 'analyst'], env);
    expect(analyst.stderr).toBe('');
    const code = /enrolment-code: (\S+)/.exec(analyst.stdout)?.[1];
    expect(analyst.stdout).toContain(`enrolment-link: http://localhost:8787/enrol#${code}`);
    expect(analyst.stdout).toContain('waits for an admin to approve');

    if (dataDir) db = await createDb({ dataDir });
    const stored = await db.kysely
      .selectFrom('app_user')
      .leftJoin('enrolment_token', 'enrolment_token.user_id', 'app_user.id')
      .leftJoin('role_grant', 'role_grant.user_id', 'app_user.id')
      .select([
        'app_user.email',
        'app_user.disabled',
        (eb) => eb('app_user.password_hash', 'is not', null).as('has_password'),
        'enrolment_token.token_hash',
        'role_grant.outcome',
        'role_grant.requested_by',
      ])
      .orderBy('app_user.email')
      .execute();
    expect(stored).toEqual([
      {
        email: 'analyst@cli.test',
        disabled: true,
        has_password: false,
        token_hash: enrolmentTokenHash(code!),
        outcome: 'pending',
        requested_by: null,
      },
      {
        email: 'first@cli.test',
        disabled: false,
        has_password: true,
        token_hash: null,
        outcome: null,
        requested_by: null,
      },
    ]);
    if (dataDir) await db.close();
  }, 300_000);
});
