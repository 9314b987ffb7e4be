import { execFileSync, spawn as spawnChild } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, binaryEnv } from '../helpers/cli.js';
import { manyUsers, tempDir } from '../helpers/files.js';
import { PATIENCE_MS } from '../helpers/patience.js';

/**
 * Whether hrsync listens for the stop signals yet (Linux: SigCgt in /proc/<pid>/status). Node itself
 * catches SIGINT and SIGTERM from its start (to reset the terminal, then die of them), never SIGHUP:
 * SIGHUP caught (bit 0) is hrsync's own listeners, which take all three at once (onStopSignals).
 */
const listening = (pid: number): boolean => {
  const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return mask !== undefined && (BigInt(`0x${mask}`) & 3n) === 3n;
};

describe.skipIf(!existsSync('/proc/self/status'))('Ctrl-C during validate (a real process, a real SIGINT)', () => {
  it('says it stopped and how far it got, and exits 130', async () => {
    // Standard input held open: the check is under way, waiting for more rows, when the signal comes.
    const child = spawnChild(process.execPath, [BIN, 'validate', '-', '--target', 'accessplanit'], { cwd: tempDir(), env: binaryEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdin.write(manyUsers('S', 3000));
    await expect.poll(() => listening(child.pid!), { timeout: PATIENCE_MS, interval: 20 }).toBe(true);
    child.kill('SIGINT');
    // Said at once, while standard input is still open.
    await expect.poll(() => stderr, { timeout: PATIENCE_MS, interval: 20 }).toMatch(/^stopped: validation interrupted after [\d,]+ rows: the rest was not checked\n$/);
    child.stdin.end();
    expect(await exited).toBe(130);
  });

  /**
   * After the check, while the annotated file or the HTML report is written: the output is a FIFO the
   * test opens for reading, so hrsync is known to be writing it — and, with more than a pipe's 64 KB
   * to write, still writing — when the signal comes. Without a listener then, Node dies of the signal.
   */
  it.each([
    ['--annotate', 'annotated.csv', /^stopped: interrupted while writing the annotated file annotated\.csv: nothing half-written\n$/],
    ['--report', 'report.html', /^stopped: interrupted while writing the report report\.html: nothing half-written\n$/],
  ])('a Ctrl-C while %s is written says so and exits 130', async (flag, name, said) => {
    const dir = tempDir();
    // Every row invalid (an e-mail address that is none; an empty one is allowed): a note on each
    // annotated row, each one in the report — both far more than a pipe holds, so the write is under way.
    writeFileSync(join(dir, 'people.csv'), manyUsers('S', 3000).replace(/,s(\d+)@x\.co\.uk,/g, ',not-an-email-$1,'));
    execFileSync('mkfifo', [join(dir, name)]);
    const child = spawnChild(process.execPath, [BIN, 'validate', 'people.csv', '--target', 'accessplanit', '--verbose', flag, name], { cwd: dir, env: binaryEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const reader = await open(join(dir, name), 'r'); // returns once hrsync opened it to write
    expect(readFileSync(join(dir, 'people.csv'), 'utf8')).toContain(',not-an-email-2999,');
    child.kill('SIGINT');
    await expect.poll(() => stderr, { timeout: PATIENCE_MS, interval: 20 }).toMatch(said);
    await reader.close(); // the write under way ends (a broken pipe), unheard
    expect(await exited).toBe(130);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});
