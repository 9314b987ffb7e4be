import { closeSync, openSync } from 'node:fs';
import { Interrupted } from '../errors.js';
import { printable } from './printable.js';

/** Where a command writes: a terminal, a pipe, or a test's buffer. */
export interface OutStream {
  write(text: string): boolean;
  isTTY?: boolean;
  /** A terminal's width (0 or undefined when it has none). */
  columns?: number;
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
  /** Standard input, read when a file argument is "-". */
  stdin?: AsyncIterable<Buffer>;
  /** A terminal to confirm on. */
  stdinIsTTY: boolean;
  /** Asks a question on the terminal and returns the answer. */
  ask(question: string): Promise<string>;
  /** Where SIGINT and SIGTERM come from. */
  signals: NodeJS.EventEmitter;
  /**
   * Called by a run that writes to a target, for as long as it does: a reader closing standard output
   * then does not end the process (see processIo). Returns the release.
   */
  holdOpen?(): () => void;
  /**
   * Told the exit code a run has come to before it writes a long output (validate's issues, written as
   * they are read back): a reader that closes standard output part-way ends the process with that code,
   * not 0 (see processIo).
   */
  settle?(code: number): void;
}

/**
 * The real process's streams, environment, folder, terminal and signals — and what a failing standard
 * stream does, the one exit outside main's returned code:
 * - a reader that stops early (`hrsync export | head -1`) closes the pipe (EPIPE): the process ends at
 *   once, quietly, with the exit code so far (0), as other CLIs do — unless a run is writing to a target
 *   (`holdOpen`): then what it would still print is dropped and it finishes, writes its results and
 *   exits with its own code. A closed pipe never cuts an apply short.
 * - a terminal that went away (its window closed: SIGHUP, then EIO on every write) is not a reason to
 *   stop either: the run is finishing its writes and must still write its results.
 * - standard output redirected to a file on a full disk (ENOSPC) is hrsync's output failing: exit 74.
 */
export function processIo(): Io {
  let writing = 0;
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') {
        if (writing === 0) process.exit(process.exitCode ?? 0);
        return;
      }
      if (error.code === 'EIO' || error.code === 'ERR_STREAM_DESTROYED') return;
      if (stream === process.stdout) {
        process.stderr.write(`error: could not write to standard output: ${error.code ?? error.message}\n`);
        process.exit(74);
      }
      throw error;
    });
  return {
    settle(code) {
      process.exitCode = code;
    },
    holdOpen() {
      writing++;
      let released = false;
      return () => {
        if (!released) writing--;
        released = true;
      };
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    // Decided once, when first read (main copies the Io at its start: the getter is read then).
    get stdinIsTTY() {
      return askOn() !== undefined;
    },
    ask: (question) => askOnTerminal(question, askOn()),
    signals: process,
  };
}

let asking: { on: 'stderr' | 'tty' | undefined } | undefined;
const askOn = () => (asking ??= { on: askingOn(Boolean(process.stdin.isTTY), Boolean(process.stderr.isTTY), canOpenTerminal) }).on;

/**
 * Where a confirmation is asked: on standard error when it and standard input are the terminal; on
 * the terminal itself (/dev/tty, as gh and git do) when standard input is one but standard error goes
 * elsewhere (`hrsync import … 2>&1 | tail`: a question written into the pipe would never be seen, and
 * the run would wait for an answer nobody knows is wanted); nowhere (undefined: the run is
 * non-interactive, and writing takes --yes) when standard input is not a terminal, or the terminal
 * cannot be opened (no controlling terminal: a service, a container without -t).
 */
export function askingOn(stdinIsTTY: boolean, stderrIsTTY: boolean, canOpen: () => boolean): 'stderr' | 'tty' | undefined {
  if (!stdinIsTTY) return undefined;
  if (stderrIsTTY) return 'stderr';
  return canOpen() ? 'tty' : undefined;
}

/** The controlling terminal of this process, as a path (none on Windows: a question is asked on stderr or not at all). */
const TERMINAL = '/dev/tty';

/** Whether /dev/tty opens for reading and writing: a process without a controlling terminal gets ENXIO. */
function canOpenTerminal(): boolean {
  if (process.platform === 'win32') return false;
  try {
    closeSync(openSync(TERMINAL, 'r+'));
    return true;
  } catch {
    return false;
  }
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
 * Asks on the terminal — standard input and error, or /dev/tty opened for the question and closed
 * after it (see askingOn). Ctrl-C (the terminal is in raw mode, so it arrives as a key, not a signal)
 * and Ctrl-D (end of input) are answers too: the user stopped, and nothing was written.
 */
async function askOnTerminal(question: string, where: 'stderr' | 'tty' | undefined): Promise<string> {
  if (!where) throw new Interrupted('no terminal to confirm on: nothing was written');
  // readline loads only when there is a question to ask.
  const { createInterface } = await import('node:readline/promises');
  const streams = where === 'tty' ? await terminalStreams() : { input: process.stdin, output: process.stderr, close: () => {} };
  const rl = createInterface({ input: streams.input, output: streams.output, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      let settled = false;
      const stop = (how: string) => {
        if (settled) return;
        settled = true;
        streams.output.write('\n');
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
    streams.close();
  }
}

/** /dev/tty as a terminal to read from and one to write to (two descriptors: each stream closes its own). */
async function terminalStreams(): Promise<{ input: NodeJS.ReadableStream; output: NodeJS.WritableStream; close(): void }> {
  const { ReadStream, WriteStream } = await import('node:tty');
  let input: InstanceType<typeof ReadStream> | undefined;
  try {
    input = new ReadStream(openSync(TERMINAL, 'r'));
    const output = new WriteStream(openSync(TERMINAL, 'w'));
    return { input, output, close: () => (input!.destroy(), output.destroy()) };
  } catch (error) {
    input?.destroy();
    throw new Interrupted(`the terminal (${TERMINAL}) could not be opened to confirm on: ${(error as NodeJS.ErrnoException).code ?? String(error)}; nothing was written`);
  }
}

/**
 * Colour only when the stream is a terminal, in this order: FORCE_COLOR=0 (or false; --no-color sets
 * it for the run) turns it off; any other FORCE_COLOR turns it on (CI logs that render ANSI); NO_COLOR
 * (https://no-color.org) or TERM=dumb turn it off.
 */
export function colourFor(stream: OutStream, env: NodeJS.ProcessEnv = process.env): Colours {
  if (!colourOn(stream, env)) return PLAIN;
  if (!chalk) throw new Error('colour is on but chalk is not loaded: main() loads it (loadColours) before any command runs');
  return new chalk.Chalk({ level: 1 });
}

/** The styles hrsync writes with: chalk's, or none. */
type Paint = (text: string) => string;
export interface Colours {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
  magenta: Paint;
}
const same: Paint = (text) => text;
const PLAIN: Colours = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same, magenta: same };

let chalk: typeof import('chalk') | undefined;

/**
 * Loads chalk when either stream may get colour (see colourOn): a run whose output goes to files and
 * pipes never loads it (start-up). --no-color and --quiet only ever turn colour off after this.
 */
export async function loadColours(io: Pick<Io, 'stdout' | 'stderr' | 'env'>): Promise<void> {
  if (!chalk && (colourOn(io.stdout, io.env) || colourOn(io.stderr, io.env))) chalk = await import('chalk');
}

export function colourOn(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR !== undefined) return true;
  const off = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  return !off && Boolean(stream.isTTY);
}

/**
 * A count as en-US writes it ("1,234,567"). Whole numbers are grouped here: the first toLocaleString
 * of a run loads ICU's number formatting, which costs a short command a noticeable part of its start-up.
 */
export const formatCount = (n: number): string => {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${digits}` : digits;
};
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

/** Says a warning on stderr: "warning: …", yellow on a terminal, control characters shown, never run. */
export function warner(io: Io): (message: string) => void {
  return (message) => void io.stderr.write(`${colourFor(io.stderr, io.env).yellow('warning:')} ${printable(message, true)}\n`);
}
