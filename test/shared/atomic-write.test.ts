import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/shared/atomic-write.js';
import { tempDir } from '../helpers/files.js';

describe('writeFileAtomic with a stop signal', () => {
  it('commits nothing once stopped: the old file stays, no temporary file is left', async () => {
    const dir = tempDir();
    const path = join(dir, 'report.html');
    writeFileSync(path, 'old');
    const stop = new AbortController();
    stop.abort('SIGINT');
    await expect(writeFileAtomic(path, 'new', { signal: stop.signal })).rejects.toBe('SIGINT');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('writes as ever while not stopped', async () => {
    const dir = tempDir();
    await writeFileAtomic(join(dir, 'a.csv'), 'x', { signal: new AbortController().signal });
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('x');
  });
});
