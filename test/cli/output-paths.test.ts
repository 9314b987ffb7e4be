import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lmsProject, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

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
