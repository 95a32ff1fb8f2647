import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_AUDIT_KEY } from './audit-key.ts';
import { builtApi } from './built-api.ts';

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts the compiled server (`main.js`, as `npm start` runs it) with `env` on a free port
 * (PORT=0) and the embedded database unless DATABASE_URL is given, signing the audit chain with TEST_AUDIT_KEY. Example:
 * `const server = startServerProcess({ DATA_DIR: dir }); const base = await baseUrlOf(server);`
 */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, builtApi('main'), {
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      AUDIT_KEY: TEST_AUDIT_KEY,
      // Never the default beside ./data: that would write into the working copy.
      AUDIT_CHECKPOINT_DIR: mkdtempSync(join(tmpdir(), 'hotspot-audit-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const timer = setInterval(() => {
          const match = text.match(pattern);
          if (match) {
            clearInterval(timer);
            resolve(match);
          } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`did not see ${pattern} in: ${text.slice(-2000)}`));
          }
        }, 100);
      }),
  };
}

/** The loopback base URL once the process says it is listening. */
export async function baseUrlOf(server: ServerProcess): Promise<string> {
  const [, port] = await server.waitFor(/listening on http:\/\/localhost:(\d+)/);
  return `http://127.0.0.1:${port}`;
}
