import { z } from 'zod';
import { keyringProblem } from './features/audit/index.ts';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  SEED_DEMO: booleanString.default(true),
  TILE_URL: z
    .string()
    .regex(
      /^https?:\/\/.*\{z\}.*\{x\}.*\{y\}/,
      'must be an http(s) URL template with {z}, {x}, {y}',
    )
    .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  TILE_ATTRIBUTION: z
    .string()
    .default(
      '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    ),
  PUBLIC_ORIGIN: z.url().optional(),
  // How many reverse proxies in front of the API append to X-Forwarded-For (0: use the socket).
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  WEB_DIST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(12),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().default('Hotspot map <no-reply@localhost>'),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(50 * 1024 * 1024),
  MAX_UPLOAD_ROWS: z.coerce.number().int().min(1).default(500_000),
  // The audit chain's HMAC keys, kept outside the database: `id:secret` entries (hex or base64 of
  // at least 32 bytes) separated by commas, the current key first and retired ones after it.
  AUDIT_KEY: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? null : keyringProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  // The same, one entry a line, in a file readable by its owner only (mode 0600).
  AUDIT_KEY_FILE: z.string().min(1).optional(),
  // Where the chain head is checkpointed; default: beside DATA_DIR (<DATA_DIR>.audit-checkpoints).
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  // Headless Chromium for meeting-pack PDFs; default /usr/bin/chromium, printable page if absent.
  CHROMIUM_PATH: z.string().min(1).optional(),
  // Heavy analyses run in worker threads (docs/SECURITY.md, "Bounded cost"): how many at once,
  // how long one may take (queue wait included), the heap each may use, and how many may wait.
  COMPUTE_THREADS: z.coerce.number().int().min(1).max(16).default(1),
  COMPUTE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  COMPUTE_MEMORY_MB: z.coerce.number().int().min(64).max(65_536).default(1024),
  COMPUTE_QUEUE: z.coerce.number().int().min(0).max(1000).default(8),
  // Per-user token bucket (per process) on analyses and heavy layer statistics.
  ANALYSIS_RATE_BURST: z.coerce.number().int().min(1).max(10_000).default(30),
  ANALYSIS_RATE_PER_MINUTE: z.coerce.number().min(0.1).max(10_000).default(30),
});

export type Env = z.infer<typeof EnvSchema>;

/** Raised for an invalid environment; the message names each bad variable. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** The only reader of process.env. Fails fast naming every invalid variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable (e.g. `DATABASE_URL=` from a compose file) means "not set".
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = EnvSchema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new EnvError(`invalid environment: ${lines.join('; ')}`);
}
