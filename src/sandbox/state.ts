import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { StateShapeError, type EmulatedPlatform } from './platform.js';
import { parseJsonBytes } from './large-json.js';
import { Table } from './table.js';

/**
 * The state file: {"version": 1, "<platform>": <its slice>, …}, one slice per emulated platform in
 * the shape that platform writes. A platform added since the file was written starts fresh; a
 * platform no longer emulated is ignored.
 */
const VERSION = 1;

export type Slices = Map<string, unknown>;

/** Any platform, as the server handles them all alike. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each platform types its own slice
export type AnyPlatform = EmulatedPlatform<string, any, any, any>;

function damaged(path: string, why: string): InputError {
  return new InputError(`the sandbox state file ${path} is damaged: ${why}`, `delete ${path} to start again from the seed`);
}

/** The saved slices, or undefined when there is no state file; a damaged file is an input error naming it. */
export async function loadStateFile(path: string, platforms: readonly AnyPlatform[], credentials: (p: AnyPlatform) => unknown, options: { textLimit?: number } = {}): Promise<Slices | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`the sandbox state file ${path} cannot be read: ${(error as Error).message}`);
  }
  let file: unknown;
  try {
    // Never one string: a million users' state is more text than V8 holds in one (see parseJsonBytes).
    file = parseJsonBytes(bytes, options.textLimit);
  } catch (error) {
    throw damaged(path, `not JSON (${(error as Error).message})`);
  }
  if (file === null || typeof file !== 'object' || Array.isArray(file)) throw damaged(path, 'not a JSON object');
  const saved = file as Record<string, unknown>;
  if (saved.version !== VERSION) throw damaged(path, saved.version === undefined ? 'it has no version' : `version ${JSON.stringify(saved.version)}, this hrsync reads version ${VERSION}`);
  const slices: Slices = new Map();
  for (const platform of platforms) {
    if (!(platform.name in saved)) continue;
    try {
      slices.set(platform.name, platform.loadState(saved[platform.name], credentials(platform)));
    } catch (error) {
      if (error instanceof StateShapeError) throw damaged(path, error.message);
      throw error;
    }
  }
  return slices;
}

/**
 * The state file's text, in pieces to write one after another: the state as it is now (each table's
 * records taken at once, every other value made JSON at once), its tables' records made JSON a few
 * hundred at a time as the pieces are asked for — so a large state is never one string (V8 caps a
 * string at 2^29 characters: ~350,000 users as the API stores them) and writing it never holds the
 * event loop for the whole state. The pieces joined are JSON.stringify's text of the same state.
 */
export function stateChunks(platforms: readonly AnyPlatform[], slices: Slices): Iterable<string> {
  const state = frozen({ version: VERSION, ...Object.fromEntries(platforms.map((p) => [p.name, p.saveState(slices.get(p.name))])) })!;
  return pieces(jsonOf(state));
}

export function stateJson(platforms: readonly AnyPlatform[], slices: Slices): string {
  return [...stateChunks(platforms, slices)].join('');
}

/** A saved value taken now: a table's [id, record] pairs (records are replaced on change, never edited), an object's fields, or JSON text. */
type Frozen = { text: string } | { rows: Array<[string, unknown]> } | { fields: Array<[string, Frozen]> };

function frozen(value: unknown): Frozen | undefined {
  if (value instanceof Table) return { rows: value.entries() };
  if (value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value)) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const fields: Array<[string, Frozen]> = [];
    for (const [key, inner] of Object.entries(value)) {
      const f = frozen(inner);
      if (f) fields.push([key, f]); // JSON.stringify leaves out what it cannot write (undefined, a function)
    }
    return { fields };
  }
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? undefined : { text };
}

/** Records made JSON at a time. */
const ROWS_AT_ONCE = 256;

/**
 * Each record's JSON, made once: a record is replaced on change, never edited (Table), so the next
 * write of the state makes JSON only of what changed since — while an import adds users, the state is
 * written once a second and all but the newest records are as they were. Kept for tables of at most
 * TEXT_CACHE_ROWS records (it holds about their text again in memory); a larger one is made afresh.
 */
const rowTexts = new WeakMap<object, string>();
const TEXT_CACHE_ROWS = 50_000;

function rowJson([id, row]: [string, unknown], cache: boolean): string {
  if (row === null || typeof row !== 'object') return JSON.stringify([id, row]);
  let text = rowTexts.get(row);
  if (text === undefined) {
    text = JSON.stringify(row);
    if (cache) rowTexts.set(row, text);
  }
  return `[${JSON.stringify(id)},${text}]`;
}

function* jsonOf(value: Frozen): Generator<string> {
  if ('text' in value) yield value.text;
  else if ('rows' in value) {
    yield '[';
    const cache = value.rows.length <= TEXT_CACHE_ROWS;
    for (let i = 0; i < value.rows.length; i += ROWS_AT_ONCE) yield (i ? ',' : '') + value.rows.slice(i, i + ROWS_AT_ONCE).map((entry) => rowJson(entry, cache)).join(',');
    yield ']';
  } else {
    yield '{';
    for (const [i, [key, inner]] of value.fields.entries()) {
      yield `${i ? ',' : ''}${JSON.stringify(key)}:`;
      yield* jsonOf(inner);
    }
    yield '}';
  }
}

/** Small pieces put together: each write gets at least 64 KB (the last one what is left). */
function* pieces(parts: Iterable<string>): Generator<string> {
  let text = '';
  for (const part of parts) {
    text += part;
    if (text.length >= 65_536) {
      yield text;
      text = '';
    }
  }
  if (text) yield text;
}

/** The least time between two writes of the state file (see Persister). */
export const PERSIST_EVERY_MS = 1000;

/**
 * Writes the state after changes, atomically (a temporary file renamed over the old one, 0600), so a
 * crash never leaves half a file. Writes are batched: the first change after a quiet spell is written
 * at once, and changes after it wait until `everyMs` (or ten times what the last write took, when the
 * state is large) have passed since that write ended, then go out together in one write — a burst of
 * thousands of creates costs a handful of whole-state writes, not one each. `flush()` (on stop, on
 * Ctrl-C or SIGTERM) writes what is waiting at once. So a process killed outright (SIGKILL, a power
 * cut) loses at most the changes of that last window.
 */
export class Persister {
  private dirty = false;
  private running: Promise<void> | undefined;
  /** A write that failed (a read-only folder, a full disk): reported by the next flush. */
  private failure: unknown;
  /** When the last write ended, and the wait before the next. */
  private last = -Infinity;
  private gap: number;
  private hurry = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly path: string,
    /** The state's text, whole or in pieces (stateChunks), taken when called. */
    private readonly text: () => string | Iterable<string>,
    private readonly everyMs = PERSIST_EVERY_MS,
  ) {
    this.gap = everyMs;
  }

  changed(): void {
    this.dirty = true;
    this.running ??= this.loop().catch((error: unknown) => {
      this.failure = error;
    });
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty) {
        await this.waitTurn();
        this.dirty = false;
        const started = performance.now();
        await writeFileAtomic(this.path, this.text(), { mode: 0o600 });
        this.last = performance.now();
        this.gap = Math.max(this.everyMs, 10 * (this.last - started));
      }
    } finally {
      this.running = undefined;
    }
  }

  /** Until `gap` has passed since the last write, or a flush hurries it. */
  private async waitTurn(): Promise<void> {
    const wait = this.last + this.gap - performance.now();
    if (wait <= 0 || this.hurry) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  async flush(): Promise<void> {
    this.hurry = true;
    try {
      this.wake?.();
      while (this.running) await this.running;
    } finally {
      this.hurry = false;
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }
}
