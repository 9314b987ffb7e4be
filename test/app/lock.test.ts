import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, LockBusy, machineLocks } from '../../src/app/lock.js';
import { tempDir } from '../helpers/files.js';
import { CAN_BE_OTHERS, holdAs, lockProgram, NOT_ROOT_REASON, otherUser, runAs, stickyDir, tryAs } from '../helpers/other-user.js';
import { PATIENCE_MS } from '../helpers/patience.js';

const locksIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.lock'));

describe('the run lock', () => {
  it('is held once: a second refuses, naming the holder and its file; after release it is free again', async () => {
    const dir = tempDir();
    const lock = await acquireLock('accessplanit https://x', 'accessplanit "lms"', 'import', { dir });
    const refused = await acquireLock('accessplanit https://x', 'accessplanit "lms"', 'import', { dir }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockBusy);
    expect((refused as LockBusy).exitCode).toBe(6);
    expect((refused as LockBusy).message).toContain(`pid ${process.pid} of `);
    expect((refused as LockBusy).message).toContain(` on ${hostname()}`);
    expect((refused as LockBusy).message).toContain(`its lock file ${join(dir, locksIn(dir)[0]!)}`);
    // Another resource is another lock.
    await (await acquireLock('accessplanit https://y', 'other', 'import', { dir })).release();
    await lock.release();
    expect(locksIn(dir)).toEqual([]);
    await (await acquireLock('accessplanit https://x', 'accessplanit "lms"', 'import', { dir })).release();
  });

  it('passes over a lock whose process is gone (and removes it), and waits for a live one when asked', async () => {
    const dir = tempDir();
    const first = await acquireLock('r', 'r', 'import', { dir });
    const [file] = locksIn(dir);
    await first.release();
    writeFileSync(join(dir, file!), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2026-01-01T00:00:00.000Z', what: 'import (killed)' }));
    const taken = await acquireLock('r', 'r', 'import', { dir });
    expect(existsSync(join(dir, file!))).toBe(false);
    let now = 0;
    let waited = 0;
    const second = await acquireLock('r', 'r', 'import', {
      dir,
      waitMs: 2000,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        waited += ms;
        if (waited >= 500) await taken.release();
      },
    });
    expect(waited).toBeGreaterThanOrEqual(500);
    await second.release();
    expect(locksIn(dir)).toEqual([]);
  });

  it('takes a pid that was reused by a later process for a holder that is gone', async () => {
    const dir = tempDir();
    const first = await acquireLock('p', 'p', 'import', { dir });
    const [file] = locksIn(dir);
    await first.release();
    // This very process, but the lock says it was taken a day before the process started.
    writeFileSync(join(dir, file!), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date(Date.now() - 86_400_000 - process.uptime() * 1000).toISOString(), what: 'import' }));
    await (await acquireLock('p', 'p', 'import', { dir })).release();
    expect(locksIn(dir)).toEqual([]);
  });

  it('appears whole, leaves no temporary file, and a damaged file is passed over with a warning naming it', async () => {
    const dir = tempDir();
    const first = await acquireLock('d', 'd', 'import', { dir });
    expect(readdirSync(dir)).toHaveLength(1); // no temporary file beside it
    await first.release();
    const name = `${(await import('node:crypto')).createHash('sha256').update('d').digest('hex').slice(0, 32)}.lock`;
    writeFileSync(join(dir, name), ''); // what a crash of an older hrsync between creating and writing left
    const warnings: string[] = [];
    await (await acquireLock('d', 'd', 'import', { dir, warn: (m) => warnings.push(m) })).release();
    expect(warnings.join('\n')).toContain(`${join(dir, name)}, made by `);
    expect(warnings.join('\n')).toContain('is damaged');
  });

  it('never blocks on a FIFO or follows a link that has a lock file’s name', async () => {
    const dir = tempDir();
    const prefix = (await import('node:crypto')).createHash('sha256').update('f').digest('hex').slice(0, 32);
    execFileSync('mkfifo', [join(dir, `${prefix}.1-fifo.lock`)]);
    symlinkSync('/etc/passwd', join(dir, `${prefix}.2-link.lock`));
    const warnings: string[] = [];
    await (await acquireLock('f', 'f', 'import', { dir, warn: (m) => warnings.push(m) })).release();
    expect(warnings.join('\n')).toContain('not a regular file');
    expect(warnings.join('\n')).toContain('a symbolic link');
  });

  it('of runs that start at the same moment, exactly one gets it', async () => {
    const dir = tempDir();
    const tries = await Promise.allSettled([1, 2, 3].map(() => acquireLock('same', 'same', 'import', { dir })));
    const held = tries.filter((t) => t.status === 'fulfilled');
    expect(held).toHaveLength(1);
    expect(tries.filter((t) => t.status === 'rejected' && t.reason instanceof LockBusy)).toHaveLength(2);
    await (held[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it('lists the holders of this machine’s locks for `state show`', async () => {
    const dir = tempDir();
    const lock = await acquireLock('s', 's', 'import into "lms"', { dir });
    expect(await machineLocks({ dir })).toEqual([expect.objectContaining({ pid: process.pid, what: 'import into "lms"', held: true })]);
    await lock.release();
  });
});

/**
 * Another user of the machine, for real: a second (and third) uid made with useradd, acting through
 * setpriv — planting folders, links and files, or running hrsync's own lock code (bundled) as itself.
 */
describe.skipIf(!CAN_BE_OTHERS)('the run lock on a machine shared with other users', () => {
  if (!CAN_BE_OTHERS) it.skip(NOT_ROOT_REASON, () => undefined);
  const mallory = CAN_BE_OTHERS ? otherUser('hrsync-test-mallory') : undefined!;
  const carol = CAN_BE_OTHERS ? otherUser('hrsync-test-carol') : undefined!;
  const children: Array<{ kill(): void }> = [];
  afterAll(() => children.forEach((c) => c.kill()));
  const envFor = (tmp: string) => ({ TMPDIR: tmp, HOME: '/nonexistent', XDG_CACHE_HOME: '/nonexistent-cache' });

  it('never follows a link planted as the lock folder, nor chmods what it points at: it says so and locks in a folder of its own', async () => {
    const tmp = stickyDir();
    const victim = join(tempDir(), 'ssh');
    mkdirSync(victim, { mode: 0o700 });
    runAs(mallory, ['ln', '-s', victim, join(tmp, 'hrsync-locks')]);
    const warnings: string[] = [];
    const cache = tempDir();
    const lock = await acquireLock('t', 't', 'import', { env: { TMPDIR: tmp, XDG_CACHE_HOME: cache }, warn: (m) => warnings.push(m) });
    expect(statSync(victim).mode & 0o7777).toBe(0o700);
    expect(readdirSync(victim)).toEqual([]);
    expect(locksIn(join(cache, 'hrsync', 'locks'))).toHaveLength(1);
    expect(warnings.join('\n')).toContain(`${join(tmp, 'hrsync-locks')} is a symbolic link (to ${victim}), made by hrsync-test-mallory (uid ${mallory.uid})`);
    await lock.release();
  });

  it('does not trust a lock folder another user made first: it names the owner and locks in a folder of its own', async () => {
    const tmp = stickyDir();
    runAs(mallory, ['mkdir', '-m', '1777', join(tmp, 'hrsync-locks')]);
    const warnings: string[] = [];
    const cache = tempDir();
    const lock = await acquireLock('t', 't', 'import', { env: { TMPDIR: tmp, XDG_CACHE_HOME: cache }, warn: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toContain(`${join(tmp, 'hrsync-locks')} belongs to hrsync-test-mallory (uid ${mallory.uid})`);
    expect(locksIn(join(cache, 'hrsync', 'locks'))).toHaveLength(1);
    expect(lstatSync(join(tmp, 'hrsync-locks')).mode & 0o7777).toBe(0o1777); // not ours: left as it was
    await lock.release();
  });

  it('passes over a lock file another user planted naming pid 1, and says whose it is', async () => {
    const tmp = stickyDir();
    (await acquireLock('t', 't', 'import', { env: envFor(tmp) })).release(); // root makes the shared folder, as a root run does
    const shared = join(tmp, 'hrsync-locks');
    expect(lstatSync(shared).mode & 0o7777).toBe(0o1777);
    const prefix = (await import('node:crypto')).createHash('sha256').update('t').digest('hex').slice(0, 32);
    const planted = join(shared, `${prefix}.1-aaaaaa.lock`);
    runAs(mallory, ['sh', '-c', `printf '%s' '{"pid":1,"host":"${hostname()}","since":"2026-01-01T00:00:00.000Z","what":"import"}' > ${planted}`]);
    const warnings: string[] = [];
    const started = Date.now();
    const lock = await acquireLock('t', 't', 'import', { env: envFor(tmp), warn: (m) => warnings.push(m) });
    expect(Date.now() - started).toBeLessThan(PATIENCE_MS); // not spinning on it (a hang guard, not a measure)
    expect(warnings.join('\n')).toContain(`${planted}, made by hrsync-test-mallory (uid ${mallory.uid}), names pid 1, a process of root (uid 0)`);
    await lock.release();
  });

  it('serialises the runs of two users in the shared folder, and a colleague’s crashed run blocks no one: no spin, no wait', async () => {
    const tmp = stickyDir();
    await (await acquireLock('t', 't', 'import', { env: envFor(tmp) })).release(); // the shared folder, root's
    const driver = await lockProgram();
    const env = envFor(tmp);
    // Mallory's run holds the lock: root's refuses at once, naming Mallory's file and Mallory.
    const holder = await holdAs(mallory, driver, 't', env);
    children.push(holder);
    const refused = await acquireLock('t', 't', 'import', { env }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockBusy);
    expect((refused as LockBusy).message).toMatch(new RegExp(`pid \\d+ of hrsync-test-mallory \\(uid ${mallory.uid}\\) on .*its lock file ${join(tmp, 'hrsync-locks')}/`));
    // Carol too (as herself, the same code), within a bounded wait.
    const carolRefused = tryAs(carol, driver, 't', env);
    expect(carolRefused).toMatchObject({ held: false, exitCode: 6 });
    // Mallory's run dies (kill -9): its file stays, and Carol, who cannot remove it, is not held up by it.
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const left = locksIn(join(tmp, 'hrsync-locks'));
    expect(left).toHaveLength(1);
    const carolRun = tryAs(carol, driver, 't', env);
    expect(carolRun.held, carolRun.message).toBe(true);
    expect(carolRun.ms).toBeLessThan(PATIENCE_MS); // no spin, no wait for ever
    expect(locksIn(join(tmp, 'hrsync-locks'))).toEqual(left); // Mallory's file, left for her (or root) to clear
  });

  it('a shared folder root made that others cannot write in (sudo mkdir, mode 755) is passed over, said, not exit 74', () => {
    const tmp = stickyDir();
    mkdirSync(join(tmp, 'hrsync-locks'), { mode: 0o755 });
    return lockProgram().then((driver) => {
      const run = tryAs(carol, driver, 'w', envFor(tmp));
      expect(run.held, run.message).toBe(true);
      expect(run.warnings.join('\n')).toContain(`${join(tmp, 'hrsync-locks')} cannot be written in by you`);
    });
  });

  it('a TMPDIR another user controls (their folder, or a link to it) holds no shared lock folder: they could move it aside mid-run and let a second run in', async () => {
    const theirs = join(stickyDir(), 'mallory-tmp');
    runAs(mallory, ['mkdir', '-m', '0777', theirs]);
    const link = join(stickyDir(), 'tmp-link');
    runAs(mallory, ['ln', '-s', theirs, link]);
    for (const tmp of [theirs, link]) {
      const warnings: string[] = [];
      const cache = tempDir();
      const lock = await acquireLock('t', 't', 'import', { env: { TMPDIR: tmp, XDG_CACHE_HOME: cache }, warn: (m) => warnings.push(m) });
      expect(existsSync(join(theirs, 'hrsync-locks'))).toBe(false);
      expect(locksIn(join(cache, 'hrsync', 'locks'))).toHaveLength(1);
      expect(warnings.join('\n')).toContain(`belongs to hrsync-test-mallory (uid ${mallory.uid})`);
      await lock.release();
    }
  });

  it('a user with no cache folder keeps a private one in TMPDIR, made 0700, and refuses one another user made for them', async () => {
    const tmp = stickyDir();
    const driver = await lockProgram();
    expect(tryAs(carol, driver, 'u', envFor(tmp)).held).toBe(true);
    expect(statSync(join(tmp, `hrsync-locks-${carol.uid}`)).mode & 0o777).toBe(0o700);
    // Mallory makes Carol's private folder before Carol's first run: Carol will not use it (exit 74), and says whose it is.
    const other = stickyDir();
    runAs(mallory, ['mkdir', '-m', '777', join(other, `hrsync-locks-${carol.uid}`)]);
    const refused = tryAs(carol, driver, 'u', envFor(other));
    expect(refused).toMatchObject({ held: false, exitCode: 74 });
    expect(refused.message).toContain(`${join(other, `hrsync-locks-${carol.uid}`)} belongs to hrsync-test-mallory (uid ${mallory.uid})`);
  });
});
