import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../env.ts';
import { AuditKeyError, defaultKeyFile, loadAuditKeyring, parseKeyring } from './audit-keys.ts';

const KEY_A = `a:${'11'.repeat(32)}`;
const KEY_B = `b:${Buffer.alloc(32, 7).toString('base64')}`;

describe('audit keys', () => {
  it('takes AUDIT_KEY as the current key first, retired keys after it', () => {
    const keyring = parseKeyring(`${KEY_B},${KEY_A}`);
    expect(keyring.currentId).toBe('b');
    expect([...keyring.keys.keys()]).toEqual(['b', 'a']);
    expect(keyring.keys.get('a')).toEqual(Buffer.alloc(32, 0x11));
  });

  it('refuses a short, malformed or repeated key at start, naming AUDIT_KEY', () => {
    for (const bad of ['a:abcd', 'no-colon', `${KEY_A},${KEY_A}`]) {
      expect(() => loadEnv({ AUDIT_KEY: bad })).toThrow(EnvError);
      expect(() => loadEnv({ AUDIT_KEY: bad })).toThrow(/AUDIT_KEY/);
    }
    expect(loadEnv({ AUDIT_KEY: KEY_A }).AUDIT_KEY).toBe(KEY_A);
  });

  it('creates a key file beside the PGlite folder, not inside it, readable by its owner only', () => {
    const parent = mkdtempSync(join(tmpdir(), 'hotspot-keys-'));
    const env = loadEnv({ DATA_DIR: join(parent, 'data') });
    const first = loadAuditKeyring(env);
    expect(first.created).toBe(true);
    expect(first.source).toBe(defaultKeyFile(env.DATA_DIR));
    expect(dirname(first.source)).toBe(parent);
    expect(statSync(first.source).mode & 0o777).toBe(0o600);
    // The next start reads the same key, never a new one.
    const second = loadAuditKeyring(env);
    expect(second.created).toBe(false);
    expect(second.keyring).toEqual(first.keyring);
    expect(readFileSync(first.source, 'utf8')).toMatch(/^k1:/);
  });

  it('refuses a key file others may read, and PostgreSQL without a key', () => {
    const parent = mkdtempSync(join(tmpdir(), 'hotspot-keys-'));
    const env = loadEnv({ DATA_DIR: join(parent, 'data') });
    const { source } = loadAuditKeyring(env);
    chmodSync(source, 0o644);
    expect(() => loadAuditKeyring({ ...env, AUDIT_KEY_FILE: source })).toThrow(/chmod 600/);
    expect(() => loadAuditKeyring(loadEnv({ DATABASE_URL: 'postgres://x@127.0.0.1/db' }))).toThrow(
      AuditKeyError,
    );
    expect(
      loadAuditKeyring(loadEnv({ DATABASE_URL: 'postgres://x@127.0.0.1/db', AUDIT_KEY: KEY_A }))
        .keyring.currentId,
    ).toBe('a');
  });
});
