import { spawn, spawnSync } from 'node:child_process';
import { BIN, PROXY_VARIABLES } from './cli.js';

/** Whether util-linux `script` (a real pseudo-terminal for a child) is on this machine. */
export const HAS_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

export interface PtyRun {
  /** Everything the terminal showed so far (stdout and stderr together, escapes included). */
  output(): string;
  /** Waits until the output matches, or fails after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Types on the terminal's keyboard: "\x03" is Ctrl-C, "\x04" Ctrl-D. */
  type(keys: string): void;
  /** Kills `script` itself: its terminal closes under hrsync, which gets SIGHUP. */
  closeTerminal(): void;
  /** hrsync's exit code (script -e passes it on; a signal's death is 128 + its number) and the output. */
  exited: Promise<{ code: number | null; output: string }>;
}

const live = new Set<() => void>();

/** Kills every hrsync started here and its terminal (for afterEach: a failed test leaves none running). */
export function killPtyRuns(): void {
  for (const kill of live) kill();
  live.clear();
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the built binary in a real pseudo-terminal (util-linux `script`), as a user at a keyboard:
 * Ctrl-C typed here goes through the terminal's line discipline and arrives as SIGINT to hrsync's
 * process group, and raw-mode prompts read it as a key. `columns: 0` is the size-less terminal
 * `script` makes when its own input is not a terminal.
 */
export function hrsyncInPty(args: string[], options: { cwd: string; env?: Record<string, string>; columns?: number; pipeTo?: string }): PtyRun {
  // This process's environment without what changes a terminal's behaviour, then the test's own.
  const base: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  delete base.CI;
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  for (const name of PROXY_VARIABLES) delete base[name];
  const env = { ...base, ...options.env };
  const columns = options.columns ?? 120;
  // $$ is the shell's pid, which exec hands to hrsync: known, so a failed test can kill it (it runs in
  // the terminal's own session, out of reach of signals to script's process group).
  // `pipeTo`: standard output and error both into this command (`2>&1 | tail`), standard input still the
  // terminal; the shell stays (its pid is then the one killed) and the exit code is hrsync's.
  const run = [process.execPath, BIN, ...args].map(quote).join(' ');
  // POSIX sh, whatever the user's $SHELL (script runs the command with it; CI's may be unset, and then
  // it is dash, which has no pipefail): hrsync's exit code comes out of the pipe on a descriptor of
  // its own, and the shell outlives Ctrl-C (a trap, which its children do not inherit) to report it.
  const piped = `trap : INT; exec 3>&1; s=$( { { ${run} 2>&1; echo $? >&4; } | ${options.pipeTo} >&3; } 4>&1 ); exit $s`;
  const command = `echo HRSYNC_PID=$$; ${columns ? `stty cols ${columns} rows 40; ` : ''}${options.pipeTo ? piped : `exec ${run}`}`;
  const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], { cwd: options.cwd, env: { ...env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  live.add(() => {
    const pid = /HRSYNC_PID=(\d+)/.exec(text)?.[1];
    child.kill('SIGKILL');
    if (pid)
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* already gone */
      }
  });
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output: text })));
  return {
    output: () => text,
    waitFor(pattern, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the terminal never showed ${pattern}; it showed:\n${text.slice(-2000)}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    type: (keys) => void child.stdin.write(keys),
    closeTerminal: () => void child.kill('SIGKILL'),
    exited,
  };
}
