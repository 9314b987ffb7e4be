import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Persister } from '../../src/sandbox/state.js';
import { tempDir } from '../helpers/files.js';

describe('the sandbox state file (Persister)', () => {
  it('batches a burst of changes: the first written at once, the rest together on flush — not the whole state once per change', async () => {
    const file = join(tempDir(), 'state', 'sandbox.json');
    let version = 0;
    let writes = 0;
    const persister = new Persister(file, () => (writes++, JSON.stringify({ version })), 60_000);
    for (let i = 0; i < 10; i++) {
      version++;
      persister.changed();
      // Each change waits until the write it asked for has started (or 50 ms): one write per change unless batched.
      for (const until = Date.now() + 50; writes < version && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(writes).toBe(1); // the first change; the others wait for the window
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1 });
    await persister.flush(); // stop, Ctrl-C, SIGTERM: what waits is written at once, not after the window
    expect(writes).toBe(2);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 10 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await persister.flush();
    expect(writes).toBe(2); // nothing changed since
  });
});
