import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { AppDeps } from '../../deps.ts';
import { type ChainCheckpoint, legacyUntil } from './audit.ts';

// The chain's head, kept where the database cannot reach it: someone who deletes the newest
// events, or rewrites the whole table, cannot also move this file (or the log line written with
// it), so verify can tell a chain that ends early or differs from what was seen before.
const FILE_NAME = 'audit-checkpoint.json';

/** `./data` -> `./data.audit-checkpoints` (beside the PGlite folder, not inside it). */
export function checkpointDir(env: Pick<AppDeps['env'], 'AUDIT_CHECKPOINT_DIR' | 'DATA_DIR'>) {
  if (env.AUDIT_CHECKPOINT_DIR) return resolve(env.AUDIT_CHECKPOINT_DIR);
  const dir = resolve(env.DATA_DIR);
  return join(dirname(dir), `${basename(dir)}.audit-checkpoints`);
}

/** The last checkpoint written to `dir`, or null when there is none yet. */
export function readCheckpoint(dir: string): ChainCheckpoint | null {
  let text: string;
  try {
    text = readFileSync(join(dir, FILE_NAME), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<ChainCheckpoint>;
  if (
    typeof parsed.sequence !== 'string' ||
    typeof parsed.hmac !== 'string' ||
    typeof parsed.at !== 'string' ||
    typeof parsed.legacyUntil !== 'string'
  ) {
    throw new Error(`the audit checkpoint ${join(dir, FILE_NAME)} is not a checkpoint`);
  }
  return parsed as ChainCheckpoint;
}

/**
 * Writes the current head (sequence, HMAC, time) to `dir` and to the JSON log. Never moves the
 * file backwards: with several processes, one may have seen a newer head. Written to a temporary
 * file and renamed, so a crash leaves the old checkpoint or the new one, never half of one.
 */
export async function writeCheckpoint(
  deps: Pick<AppDeps, 'db' | 'clock' | 'logger'>,
  dir: string,
): Promise<ChainCheckpoint> {
  const head = await deps.db.kysely
    .selectFrom('audit_event')
    .select(['id', 'hash'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const checkpoint: ChainCheckpoint = {
    sequence: String(head?.id ?? 0),
    hmac: head?.hash ?? '',
    at: deps.clock().toISOString(),
    legacyUntil: String(await legacyUntil(deps.db.kysely)),
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const previous = readCheckpoint(dir);
  if (previous && BigInt(previous.sequence) > BigInt(checkpoint.sequence)) return previous;
  const file = join(dir, FILE_NAME);
  // Unique per writer: replicas in containers may all be process 1 on one shared volume.
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  deps.logger.info({ auditCheckpoint: checkpoint }, 'audit checkpoint');
  return checkpoint;
}
