import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../shared/atomic-write.js';
import type { Bookmark } from '../core/ports.js';
import { outputFailed, UsageError } from '../errors.js';

/**
 * The `dir` backend's bookmarks (see Bookmark in core/ports): `.hrsync/state/bookmarks.json` beside
 * the config, 0600.
 */
export type { Bookmark } from '../core/ports.js';

/** Read again before the bookmark, for clocks that disagree: records read twice plan as unchanged. */
export const OVERLAP_MS = 5 * 60 * 1000;

export class Bookmarks {
  constructor(readonly path: string) {}

  static in(home: string): Bookmarks {
    return new Bookmarks(join(home, '.hrsync', 'state', 'bookmarks.json'));
  }

  async all(): Promise<Bookmark[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return [];
    }
    try {
      const list = JSON.parse(text) as unknown;
      if (Array.isArray(list) && list.every((b) => b && typeof b.key === 'string' && typeof b.at === 'string')) return list as Bookmark[];
    } catch {
      // fall through
    }
    throw new UsageError(`the bookmarks file ${this.path} is damaged`, 'delete it (the next run with --since last is then a full run), or run hrsync state reset');
  }

  async get(key: string): Promise<Bookmark | undefined> {
    return (await this.all()).find((b) => b.key === key);
  }

  /** Saves a bookmark (replacing the one of its key); a file that cannot be written is hrsync's own output failing (74). */
  async set(bookmark: Bookmark): Promise<void> {
    const rest = (await this.all()).filter((b) => b.key !== bookmark.key);
    await this.write([...rest, bookmark]).catch((error: unknown) => Promise.reject(outputFailed('the bookmark', this.path, error)));
  }

  /** Removes the bookmarks whose key or source/target names contain `match` (all when undefined); returns how many. */
  async reset(match?: string): Promise<number> {
    const all = await this.all();
    const keep = match === undefined ? [] : all.filter((b) => ![b.key, b.source, b.target].some((s) => s.includes(match)));
    if (keep.length !== all.length) await this.write(keep);
    return all.length - keep.length;
  }

  private write(list: Bookmark[]): Promise<void> {
    return writeFileAtomic(this.path, `${JSON.stringify(list, null, 1)}\n`, { mode: 0o600 });
  }
}

/** The instant `--since last` reads from: the bookmark less the overlap; undefined (a full run) without one. */
export function sinceOf(bookmark: Bookmark | undefined): string | undefined {
  return bookmark ? new Date(Date.parse(bookmark.at) - OVERLAP_MS).toISOString() : undefined;
}

/**
 * Where `--since last` reads from, in words, for a run to say as it starts: the bookmark (the start
 * of the last fully successful run) less the overlap, and why the overlap.
 */
export function sinceWords(bookmark: Bookmark, read: string): string {
  return `--since last: reading ${read} changed since ${sinceOf(bookmark)} — the last run's start, ${bookmark.at}, less a ${OVERLAP_MS / 60_000}-minute overlap in case the source's clock differs from this machine's; a record changed in those minutes is read again (an import finds it unchanged, an export lists it again)`;
}
