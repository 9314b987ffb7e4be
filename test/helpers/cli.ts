import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testCacheHome } from './files.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/hrsync.js', import.meta.url));

export interface BinaryRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What makes hrsync go through a proxy (see src/http/proxy.ts). */
export const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

/** The environment the binary runs with: this one without colour settings, the cache folder the test's, and `env`. */
export function binaryEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  for (const name of PROXY_VARIABLES) delete base[name]; // a proxy of the machine's must not see the tests' requests
  base.XDG_CACHE_HOME = testCacheHome(); // the embedded sandbox's state: in the test's folders, never ~/.cache
  return { ...base, ...env };
}

/** Runs the built binary as a user would (the global setup builds it), in `cwd`, without a TTY. */
export function hrsyncBinary(args: string[], cwd: string, env: Record<string, string> = {}): Promise<BinaryRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: binaryEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
