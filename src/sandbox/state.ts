import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { StateShapeError, type EmulatedPlatform } from './platform.js';

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
export async function loadStateFile(path: string, platforms: readonly AnyPlatform[], credentials: (p: AnyPlatform) => unknown): Promise<Slices | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`the sandbox state file ${path} cannot be read: ${(error as Error).message}`);
  }
  let file: unknown;
  try {
    file = JSON.parse(text);
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

export function stateJson(platforms: readonly AnyPlatform[], slices: Slices): string {
  return JSON.stringify({ version: VERSION, ...Object.fromEntries(platforms.map((p) => [p.name, p.saveState(slices.get(p.name))])) });
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
    private readonly text: () => string,
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
