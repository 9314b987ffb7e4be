import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants as fsConstants, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pendingOutput } from '../../src/shared/atomic-write.js';
import { BIN, binaryEnv } from '../helpers/cli.js';
import { lmsProject, tempDir, write } from '../helpers/files.js';
import { CAN_BE_OTHERS, otherUser, runAs, stickyDir } from '../helpers/other-user.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';
import { PATIENCE_MS } from '../helpers/patience.js';

const ENV = { AP_KEY: 'sandbox-key' };
const PEOPLE = 'Employee ID,Forenames,Surname,Email,Company ID\nE1,Ann,Lee,ann@x.co.uk,ACME01\nE2,Bob,,bob@x.co.uk,ACME01\n';
const IS_ROOT = process.getuid?.() === 0;

/**
 * Reads a FIFO to its end in another process (a reader must be there, or a writer blocks): its text.
 * Bounded: a FIFO nobody writes to (it was replaced by a file) is given up after 10 s, as empty.
 */
function drain(fifo: string): Promise<string> {
  const cat = spawn('timeout', ['10', 'cat', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  cat.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve) => cat.on('close', () => resolve(text)));
}

/**
 * Every output a person names — export -o, --out, --report, --annotate — is written where it points:
 * a regular file is replaced whole; a device or a FIFO is written in place and stays what it was; a
 * folder or a symbolic link is refused with exit 64, and nothing is changed.
 */
describe('outputs that are not regular files', () => {
  const sandbox = useSandbox();
  const project = () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'people.csv', PEOPLE);
    return dir;
  };
  const outputs: Array<[string, (out: string) => string[]]> = [
    ['export -o', (out) => ['export', '-o', out]],
    ['import --out', (out) => ['import', 'people.csv', '--dry-run', '--out', out]],
    ['validate --report', (out) => ['validate', 'people.csv', '--target', 'generic', '--report', out]],
    ['validate --annotate', (out) => ['validate', 'people.csv', '--target', 'generic', '--annotate', out]],
  ];

  it.each(outputs)('%s to a FIFO writes into it, and it stays a FIFO', async (_, argv) => {
    const dir = project();
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', ['-m', '0644', fifo]);
    const read = drain(fifo);
    const run = await hrsyncIn(argv('pipe.csv'), { cwd: dir, env: ENV });
    expect([0, 3], run.stderr).toContain(run.code);
    expect((await read).length).toBeGreaterThan(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync(fifo).mode & 0o777).toBe(0o644);
  });

  it.skipIf(!IS_ROOT)('export -o to a character device (a null device of the test’s own, as root) writes into it, and it stays a device', async () => {
    const dir = project();
    const device = join(dir, 'null.csv');
    execFileSync('mknod', ['-m', '0666', device, 'c', '1', '3']); // what /dev/null is: never the machine's own in a test
    for (const [, argv] of outputs) {
      const run = await hrsyncIn(argv('null.csv'), { cwd: dir, env: ENV });
      expect([0, 3], run.stderr).toContain(run.code);
      expect(lstatSync(device).isCharacterDevice()).toBe(true);
      expect(statSync(device).mode & 0o777).toBe(0o666);
    }
  });

  it.each(outputs)('%s to a symbolic link is refused (exit 64): the link and the file it points at are left as they were', async (_, argv) => {
    const dir = project();
    const victim = write(dir, 'victim.txt', 'keep me\n');
    symlinkSync(victim, join(dir, 'out.csv'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.csv'));
    for (const name of ['out.csv', 'dangling.csv']) {
      const run = await hrsyncIn(argv(name), { cwd: dir, env: ENV });
      expect(run.code, run.stderr).toBe(64);
      expect(run.stderr).toContain(`${name}: it is a symbolic link`);
      expect(lstatSync(join(dir, name)).isSymbolicLink()).toBe(true);
    }
    expect(readlinkSync(join(dir, 'out.csv'))).toBe(victim);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
  });

  it.each(outputs)('%s to a folder is refused (exit 64), naming it', async (_, argv) => {
    const dir = project();
    mkdirSync(join(dir, 'folder.csv'));
    const run = await hrsyncIn(argv('folder.csv'), { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(64);
    expect(run.stderr).toMatch(/folder\.csv: it is a folder/);
  });
});

/**
 * An output checked as a FIFO or a device is opened as what was checked: swapped for a link (or any
 * other file) between the check and the open — another user racing in a shared folder — it is refused,
 * and nothing is written through the link. A link another user made is never written through, even to
 * a device.
 */
describe('an output swapped or planted by someone else', () => {
  it('a FIFO replaced by a symbolic link after the check is refused, and the file the link points at is untouched', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.csv');
    const victim = write(dir, 'victim.txt', 'keep me\n');
    execFileSync('mkfifo', [out]);
    const pending = await pendingOutput(out);
    expect(pending.inPlace).toBe(true);
    unlinkSync(out); // the race, won: what was a FIFO is now a link to the victim
    symlinkSync(victim, `${out}.link`);
    renameSync(`${out}.link`, out);
    const opened = await pending.open(0o600).catch((e: unknown) => e as Error);
    if (!(opened instanceof Error)) {
      await opened.write('id,email\n');
      await opened.close();
    }
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(opened).toBeInstanceOf(Error);
    expect((opened as Error).message).toContain(out);
  });

  it.skipIf(!CAN_BE_OTHERS)('a link to a device that another user planted is refused (exit 64), naming its maker', async () => {
    const mallory = otherUser('hrsync-test-mallory');
    const tmp = stickyDir();
    const device = join(tempDir(), 'null');
    execFileSync('mknod', ['-m', '0666', device, 'c', '1', '3']); // a null device of the test's own
    const out = join(tmp, 'report.csv');
    runAs(mallory, ['ln', '-s', device, out]);
    const pending = await pendingOutput(out).catch((e: unknown) => e as Error);
    expect(pending).toBeInstanceOf(Error);
    expect((pending as Error).message).toContain(`${out} is a symbolic link`);
    expect((pending as Error).message).toContain('hrsync-test-mallory');
  });

  it('export -o /dev/stdout writes into standard output when that is a file, appending as >> asked', () => {
    const dir = tempDir();
    const file = write(dir, 'out.csv', 'before\n');
    const fd = openSync(file, 'a');
    const run = spawnSync(process.execPath, [BIN, 'export', '-q', '-o', '/dev/stdout'], { cwd: dir, env: binaryEnv(), stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(run.status, run.stderr.toString()).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('before\nid,')).toBe(true);
    expect(lstatSync(file).isFile()).toBe(true);
  });
});

describe('a FIFO nobody reads yet', () => {
  it('is waited for in bounded steps: a reader that comes later gets the whole output; none within the bound is a clear refusal', async () => {
    const { readerOf } = await import('../../src/shared/atomic-write.js');
    const dir = tempDir();
    const fifo = join(dir, 'late.csv');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const refused = await readerOf(fifo, fsConstants.O_WRONLY, 300).catch((e: unknown) => e);
    expect((refused as Error).message).toContain('is a FIFO that no process read within 0.3 s');
    expect(Date.now() - started).toBeLessThan(PATIENCE_MS); // refused, not blocked for ever
    // A reader that starts a moment later: the open waits for it, never blocks for ever.
    const late = new Promise<string>((resolve) => setTimeout(() => void drain(fifo).then(resolve), 500));
    const handle = await readerOf(fifo, fsConstants.O_WRONLY, 10_000);
    await handle!.write('written after the wait\n');
    await handle!.close();
    expect(await late).toBe('written after the wait\n');
  });

  it('export -o to a FIFO whose reader starts later: the whole export reaches it', async () => {
    const dir = tempDir();
    write(dir, 'people.csv', PEOPLE);
    const fifo = join(dir, 'late.csv');
    execFileSync('mkfifo', [fifo]);
    const late = new Promise<string>((resolve) => setTimeout(() => void drain(fifo).then(resolve), 700));
    const run = await hrsyncIn(['validate', 'people.csv', '--target', 'generic', '--annotate', 'late.csv'], { cwd: dir });
    expect([0, 3]).toContain(run.code);
    expect(await late).toContain('hrsync errors');
  });
});
