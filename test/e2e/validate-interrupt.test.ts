import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
    const child = spawn(process.execPath, [BIN, 'validate', '-', '--target', 'accessplanit'], { cwd: tempDir(), env: binaryEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
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
});
