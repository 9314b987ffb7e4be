import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LockBusy } from '../../src/app/lock.js';
import { tempDir } from '../helpers/files.js';

describe('the run lock', () => {
  it('is held once: a second refuses, naming the holder; after release it is free again', async () => {
    const dir = tempDir();
    const lock = await acquireLock('accessplanit https://x', 'accessplanit "lms"', 'import', { dir });
    const refused = await acquireLock('accessplanit https://x', 'accessplanit "lms"', 'import', { dir }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockBusy);
    expect((refused as LockBusy).exitCode).toBe(6);
    expect((refused as LockBusy).message).toContain(`pid ${process.pid} on ${hostname()}`);
    // Another resource is another lock.
    await (await acquireLock('accessplanit https://y', 'other', 'import', { dir })).release();
    await lock.release();
    await (await acquireLock('accessplanit https://x', 'accessplanit "lms"', 'import', { dir })).release();
  });

  it('takes over a lock whose process is gone, and waits for a live one when asked', async () => {
    const dir = tempDir();
    const first = await acquireLock('r', 'r', 'import', { dir });
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.lock'));
    await first.release();
    writeFileSync(join(dir, file!), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2026-01-01T00:00:00.000Z', what: 'import (killed)' }));
    const taken = await acquireLock('r', 'r', 'import', { dir });
    expect(readdirSync(dir).filter((f) => f.includes('.stale'))).toEqual([]);
    let waited = 0;
    const sleep = async (ms: number) => {
      waited += ms;
      if (waited >= 500) await taken.release();
    };
    let now = 0;
    const second = await acquireLock('r', 'r', 'import', { dir, waitMs: 2000, sleep: async (ms) => { now += ms; await sleep(ms); }, now: () => now });
    expect(waited).toBeGreaterThanOrEqual(500);
    await second.release();
    expect(existsSync(join(dir, file!))).toBe(false);
  });

  it('appears whole or not at all, and a damaged one (empty, unreadable) is taken over once it is old', async () => {
    const dir = tempDir();
    const first = await acquireLock('d', 'd', 'import', { dir });
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.lock'));
    expect(readdirSync(dir)).toEqual([file]); // no temporary file left beside it
    await first.release();
    writeFileSync(join(dir, file!), ''); // what a crash between creating and writing left behind
    const fresh = await acquireLock('d', 'd', 'import', { dir }).catch((e: unknown) => e);
    expect((fresh as LockBusy).message).toContain('a run that is starting'); // it may be one: a moment's grace
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, file!), old, old);
    await (await acquireLock('d', 'd', 'import', { dir })).release();
    expect(readdirSync(dir)).toEqual([]);
  });
});
