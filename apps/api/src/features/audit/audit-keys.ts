import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Env } from '../../env.ts';

/**
 * The keys of the audit chain's HMAC: they live outside the database, so someone who can rewrite
 * the table cannot recompute the chain. `currentId` signs new events; every key stays for
 * verifying the events it signed (rotation: add a new key in front, keep the old ones).
 */
export interface AuditKeyring {
  readonly currentId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** Raised when the audit key is missing or unusable; the message says what to do. */
export class AuditKeyError extends Error {
  override readonly name = 'AuditKeyError';
}

export const MIN_AUDIT_KEY_BYTES = 32;
const ENTRY = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/;

function decodeSecret(text: string): Buffer | null {
  const bytes = /^[0-9a-fA-F]+$/.test(text)
    ? Buffer.from(text, 'hex')
    : Buffer.from(text, 'base64');
  return bytes.length >= MIN_AUDIT_KEY_BYTES ? bytes : null;
}

/**
 * Why a keyring text is unusable, or null when it is fine. Format: `id:secret` entries separated
 * by commas or new lines, the current key first; a secret is hex or base64 of at least 32 bytes.
 */
export function keyringProblem(text: string): string | null {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return 'holds no key';
  const ids = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const match = ENTRY.exec(entry);
    if (!match) return `entry ${i + 1} is not "id:secret" (id: letters, digits, _ or -)`;
    if (!decodeSecret(match[2]!))
      return `key "${match[1]}" is shorter than ${MIN_AUDIT_KEY_BYTES} bytes (hex or base64)`;
    if (ids.has(match[1]!)) return `key id "${match[1]}" appears twice`;
    ids.add(match[1]!);
  }
  return null;
}

export function parseKeyring(text: string): AuditKeyring {
  const problem = keyringProblem(text);
  if (problem) throw new AuditKeyError(`the audit key ${problem}`);
  const keys = new Map<string, Buffer>();
  let currentId = '';
  for (const entry of text.split(/[,\n]/).map((e) => e.trim())) {
    const match = ENTRY.exec(entry);
    if (!match) continue;
    keys.set(match[1]!, decodeSecret(match[2]!)!);
    currentId ||= match[1]!;
  }
  return { currentId, keys };
}

/** A new key line for a key file or AUDIT_KEY: `id:base64` of 32 random bytes. */
export function newKeyEntry(id: string): string {
  return `${id}:${randomBytes(MIN_AUDIT_KEY_BYTES).toString('base64')}`;
}

/** The PGlite folder's neighbour: `./data` -> `./data.audit-key` (beside it, not inside it). */
export function defaultKeyFile(dataDir: string): string {
  const dir = resolve(dataDir);
  return join(dirname(dir), `${basename(dir)}.audit-key`);
}

function readKeyFile(file: string): AuditKeyring {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AuditKeyError(`the audit key file ${file} does not exist`);
    throw error;
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new AuditKeyError(
      `the audit key file ${file} may be read by others (mode ${mode.toString(8)}): chmod 600 it`,
    );
  }
  return parseKeyring(readFileSync(file, 'utf8'));
}

/**
 * The keyring from AUDIT_KEY, else from AUDIT_KEY_FILE, else (embedded database only) from a
 * key file beside DATA_DIR. With the embedded database a missing key file is created at first
 * start, mode 0600. With PostgreSQL the key must be given: a key made on one application server
 * would not be known to the others.
 */
export function loadAuditKeyring(
  env: Pick<Env, 'AUDIT_KEY' | 'AUDIT_KEY_FILE' | 'DATABASE_URL' | 'DATA_DIR'>,
): { keyring: AuditKeyring; source: string; created: boolean } {
  if (env.AUDIT_KEY)
    return { keyring: parseKeyring(env.AUDIT_KEY), source: 'AUDIT_KEY', created: false };
  if (env.DATABASE_URL && !env.AUDIT_KEY_FILE) {
    throw new AuditKeyError(
      'AUDIT_KEY or AUDIT_KEY_FILE is required with DATABASE_URL: the audit chain is keyed by a secret kept outside the database (docs/SECURITY.md)',
    );
  }
  const file = env.AUDIT_KEY_FILE ?? defaultKeyFile(env.DATA_DIR);
  let created = false;
  if (!env.DATABASE_URL) {
    try {
      // 'wx': never overwrite a key that already exists (another process may have just made it).
      writeFileSync(file, `${newKeyEntry('k1')}\n`, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { keyring: readKeyFile(file), source: file, created };
}
