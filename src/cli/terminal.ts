import { createInterface } from 'node:readline/promises';
import { Chalk, type ChalkInstance } from 'chalk';
import { Interrupted } from '../errors.js';

/** Where a command writes: a terminal, a pipe, or a test's buffer. */
export interface OutStream {
  write(text: string): boolean;
  isTTY?: boolean;
}

/**
 * Everything a command touches outside hrsync: its output streams, environment, working folder,
 * whether stdin is a terminal (and how to ask on it), and the process signals. `main(argv, io)` runs
 * in-process with a test's own.
 */
export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
  /** Relative paths in arguments are read and written from here. */
  cwd: string;
  /** A terminal to confirm on. */
  stdinIsTTY: boolean;
  /** Asks a question on the terminal and returns the answer. */
  ask(question: string): Promise<string>;
  /** Where SIGINT and SIGTERM come from. */
  signals: NodeJS.EventEmitter;
}

/** The real process's streams, environment, folder, terminal and signals. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    ask: (question) => askOnTerminal(question),
    signals: process,
  };
}

/** The signals that stop a run gracefully: Ctrl-C, `kill`, and the terminal closing. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Calls `stop` with the signal's name on each Ctrl-C, SIGTERM or SIGHUP until the returned function is
 * called. The handlers stay (`on`, not `once`): a second Ctrl-C must not fall through to the default,
 * which kills the process at once — and the spinner's exit hook (signal-exit) re-raises a signal
 * nobody else listens to.
 */
export function onStopSignals(io: Io, stop: (signal: NodeJS.Signals) => void): () => void {
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => stop(signal)] as const);
  for (const [signal, handler] of handlers) io.signals.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) io.signals.removeListener(signal, handler);
  };
}

/**
 * Asks on the terminal. Ctrl-C (the terminal is in raw mode, so it arrives as a key, not a signal) and
 * Ctrl-D (end of input) are answers too: the user stopped, and nothing was written.
 */
async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string>((resolve, reject) => {
      let settled = false;
      const stop = (how: string) => {
        if (settled) return;
        settled = true;
        process.stderr.write('\n');
        reject(new Interrupted(`${how} at the confirmation: nothing was written`));
      };
      rl.once('SIGINT', () => stop('Ctrl-C'));
      rl.once('close', () => stop('input ended'));
      rl.question(question).then(
        (answer) => {
          settled = true;
          resolve(answer);
        },
        () => stop('input ended'),
      );
    });
  } finally {
    rl.close();
  }
}

/**
 * Colour only when the stream is a terminal, and never with NO_COLOR set (https://no-color.org);
 * FORCE_COLOR forces it on (for CI logs that render ANSI).
 */
export function colourFor(stream: OutStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const off = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  const level = forced ? 1 : off || !stream.isTTY ? 0 : 1;
  return new Chalk({ level });
}

export const formatCount = (n: number): string => n.toLocaleString('en-US');
export const plural = (n: number, word: string, many = `${word}s`): string => `${formatCount(n)} ${n === 1 ? word : many}`;

/** HRSYNC_DEBUG: a comma-separated list; "http" traces every request (redacted), anything set shows stacks. */
export function debugging(env: NodeJS.ProcessEnv, what: 'http' | 'stack'): boolean {
  const value = env.HRSYNC_DEBUG ?? '';
  if (what === 'stack') return value !== '';
  return value.split(',').map((s) => s.trim().toLowerCase()).includes('http');
}

/** How every command opens a target: its config, working folder, environment, and the HTTP trace when asked. */
export function openOptions(io: Io, config: string | undefined): { config: string | undefined; cwd: string; env: NodeJS.ProcessEnv; trace?: (line: string) => void } {
  const c = colourFor(io.stderr, io.env);
  return { config, cwd: io.cwd, env: io.env, ...(debugging(io.env, 'http') ? { trace: (line: string) => void io.stderr.write(`${c.dim(line)}\n`) } : {}) };
}
