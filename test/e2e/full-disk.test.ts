import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { lmsProject, manyUsers, tempDir, write } from '../helpers/files.js';
import { tempProject } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';
import { HAS_SMALL_DISK, hrsyncOnSmallDisk } from '../helpers/small-disk.js';

const ENV = { AP_KEY: 'sandbox-key', UNIFIED_KEY: 'sandbox-key' };

/**
 * A disk that fills part-way, for real: a private tmpfs with a few KB left (test/helpers/small-disk.ts),
 * so hrsync gets the ENOSPC the kernel gives, mid-write, as on a full disk.
 */
describe.skipIf(!HAS_SMALL_DISK)('a full disk', () => {
  const sandbox = useSandbox({ latency: { ms: 10, jitterMs: 5 } });

  it('during an import: no new write starts, those in flight finish, what was applied is printed, exit 74', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('FD', 60));
    const created = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('FD'));
    const run = await hrsyncOnSmallDisk(['import', 'u.csv', '--yes', '--concurrency', '2', '--results', 'disk/run'], dir, 8, ENV);
    expect(run.code, run.stderr).toBe(74);
    expect(run.stderr).toMatch(/error: could not write the journal .*disk\/run\/journal\.ndjson: the disk is full \(ENOSPC\); no new write started after that, those in flight finished/);
    expect(run.stderr).toContain('the results could not be written');
    const applied = run.stderr.split('\n').filter((l) => l.startsWith('  applied create users externalId=FD'));
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.length).toBeLessThan(60);
    expect(applied.length).toBe(created().length); // every write that reached the target, and only those
    expect(run.left.filter((name) => name.includes('.partial'))).toEqual([]);
    // Run again with room: it reads the target first, so what was applied is found unchanged.
    const again = await hrsyncOnSmallDisk(['import', 'u.csv', '--yes', '--results', 'disk/again'], dir, 512, ENV);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Plan: ${60 - applied.length} to create, 0 to update, ${applied.length} unchanged.`);
    expect(created()).toHaveLength(60);
  });

  it('for the lock (TMPDIR on the full disk): exit 74 before anything is done, and no empty lock blocks the next run', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('FL', 2));
    const full = await hrsyncOnSmallDisk(['import', 'u.csv', '--yes'], dir, 0, { ...ENV, TMPDIR: `${dir}/disk` });
    expect(full.code, full.stderr).toBe(74);
    expect(full.stderr).toMatch(/error: could not write the (lock|lock folder) .*: the disk is full \(ENOSPC\)/);
    expect(full.left.filter((name) => name.endsWith('.lock'))).toEqual([]);
    const roomy = await hrsyncOnSmallDisk(['import', 'u.csv', '--yes'], dir, 256, { ...ENV, TMPDIR: `${dir}/disk` });
    expect(roomy.code, roomy.stderr).toBe(0);
  });

  it('for an import’s rows past the first 50,000 (TMPDIR nearly full): exit 74 naming TMPDIR, nothing written, nothing left', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    // 6,000 rows past those held in memory: about 2 MB on disk, on a disk of 1 MB with 256 KB free.
    write(dir, 'u.csv', manyUsers('FS', 56_000));
    const created = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('FS'));
    const run = await hrsyncOnSmallDisk(['import', 'u.csv', '--yes'], dir, 256, { ...ENV, TMPDIR: `${dir}/disk` });
    expect(run.code, run.stderr).toBe(74);
    expect(run.stderr).toMatch(/error: could not write a temporary file in .*\/disk: the disk is full \(ENOSPC\)\nhint: what does not fit in memory \(.*a large import's rows\)/);
    expect(created()).toEqual([]);
    expect(run.left.filter((name) => !name.startsWith('./hrsync-locks'))).toEqual([]);
  });

  it('for validate’s temporary files (TMPDIR on the full disk): exit 74 naming TMPDIR, nothing left', async () => {
    const dir = tempDir();
    // More issues than are held in memory (2,048): the rest go to a temporary file.
    write(dir, 'u.csv', `Forenames,Surname,Email\n${'Ann,Lee,not-an-email\n'.repeat(5000)}`);
    const run = await hrsyncOnSmallDisk(['validate', 'u.csv', '--target', 'generic', '--format', 'json'], dir, 0, { TMPDIR: `${dir}/disk` });
    expect(run.code, run.stderr).toBe(74);
    expect(run.stderr).toMatch(/error: could not write a temporary file in .*\/disk: the disk is full \(ENOSPC\)\nhint: what does not fit in memory .* set TMPDIR to a folder with room/);
    expect(run.left).toEqual([]);
  });

  it('during an export: exit 74, and neither the file nor a partial one is left', async () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { hr: { type: 'unified', baseUrl: sandbox().urls.unified, connectionId: 'sandbox', apiKey: 'env:UNIFIED_KEY' } } }));
    const run = await hrsyncOnSmallDisk(['export', '--target', 'hr', '-o', 'disk/users.csv'], dir, 16, ENV);
    expect(run.code, run.stderr).toBe(74);
    expect(run.stderr).toMatch(/error: could not write the file .*disk\/users\.csv: the disk is full \(ENOSPC\)/);
    expect(run.left).toEqual([]);
  });
});

describe('standard output that cannot be written', () => {
  it('is exit 74 with the reason, not a stack trace (hrsync validate > /dev/full)', async () => {
    const dir = tempProject();
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [BIN, 'validate', 'samples/users.csv', 'samples/companies.csv', '--target', 'accessplanit'], { cwd: dir, stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('error: could not write to standard output: ENOSPC\n');
      expect(code).toBe(74);
    } finally {
      closeSync(full);
    }
  });
});
