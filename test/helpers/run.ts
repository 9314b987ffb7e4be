import { EventEmitter } from 'node:events';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { main, program } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/terminal.js';
import { ROOT } from './cli.js';
import { tempDir, testCacheHome } from './files.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stream that keeps what is written, as a pipe would (not a terminal). */
class Captured extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface RunOptions {
  /** The working folder (default: a fresh temporary one). */
  cwd?: string;
  /** The environment: only what is given, as a clean CI job would have. */
  env?: Record<string, string>;
  /** A terminal on stdin, answering every question with this. */
  answer?: string;
  /** Where SIGINT comes from, for a test that interrupts a run. */
  signals?: EventEmitter;
  /** Standard output is a terminal (what it shows there must be safe to show). */
  stdoutIsTTY?: boolean;
  /** What standard input holds (default: nothing), as text, bytes, or a stream of chunks. */
  stdin?: string | Buffer | AsyncIterable<Buffer>;
}

/** Runs `hrsync ARGS` in this process, as the binary would, capturing its output and exit code. */
export async function hrsyncIn(args: string[], options: RunOptions = {}): Promise<Run> {
  const stdout = new Captured();
  stdout.isTTY = options.stdoutIsTTY ?? false;
  const stderr = new Captured();
  const io: Io = {
    stdout,
    stderr,
    // The user's cache folder (the embedded sandbox's state) inside the test's own folders, never ~/.cache.
    env: { XDG_CACHE_HOME: testCacheHome(), ...options.env },
    cwd: options.cwd ?? tempProject(),
    stdin: typeof options.stdin === 'string' || Buffer.isBuffer(options.stdin) ? Readable.from([Buffer.from(options.stdin)]) : (options.stdin ?? Readable.from([])),
    stdinIsTTY: options.answer !== undefined,
    ask: async (question) => {
      if (options.answer === undefined) throw new Error(`hrsync asked "${question}" without a terminal`);
      stderr.text += question;
      return options.answer;
    },
    signals: options.signals ?? new EventEmitter(),
  };
  const code = await main(['node', 'hrsync', ...args], io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A fresh temporary folder holding a copy of the samples (as samples/), so paths read as in the README. */
export function tempProject(): string {
  const dir = tempDir();
  cpSync(join(ROOT, 'samples'), join(dir, 'samples'), { recursive: true });
  return dir;
}

/** hrsync's commander program with every command built in full (as `completion` builds it), on streams that drop everything. */
export function fullProgram(): Promise<Command> {
  const io: Io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: tempDir(), stdinIsTTY: false, ask: async () => '', signals: new EventEmitter() };
  return program(io, () => {}, ['node', 'hrsync'], { all: true });
}

/** Every visible command below `command`, depth first (not the implicit `help`). */
export function commandsBelow(command: Command): Command[] {
  return command.commands.filter((c) => !(c as unknown as { _hidden: boolean })._hidden && c.name() !== 'help').flatMap((c) => [c, ...commandsBelow(c)]);
}
