import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbedded } from '../../src/app/embedded-sandbox.js';
import { USER_WRITABLE } from '../../src/sandbox/platforms/accessplanit/user-model.js';
import { PLATFORMS } from '../../src/sandbox/platforms/index.js';
import { Persister, stateChunks, type AnyPlatform } from '../../src/sandbox/state.js';
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

describe('the state file of a large sandbox', () => {
  it('is written in pieces of a few hundred records — never one string of the whole state — that make the very JSON of it', async () => {
    const { sandbox } = await startEmbedded({ port: 0 });
    try {
      const users = sandbox.state().accessplanit.User;
      const fields = Object.fromEntries(USER_WRITABLE.map((f) => [f, null]));
      for (let i = 0; i < 3000; i++) users.set(`big${i}`, { ...fields, ID: `big${i}`, Forenames: `First${i}`, Surname: `Last${i}`, Email: `big${i}@example.co.uk`, MainCompanyID: 'ACME01', Status: 'Enabled' });
      const slices = new Map<string, unknown>(Object.entries(sandbox.state()));
      const whole = JSON.stringify({ version: 1, ...Object.fromEntries(PLATFORMS.map((p) => [p.name, (p as AnyPlatform).saveState(slices.get(p.name))])) });
      const pieces = [...stateChunks(PLATFORMS, slices)];
      expect(pieces.join('')).toBe(whole);
      expect(whole.length).toBeGreaterThan(3_000_000);
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(1_000_000);
      // The Persister writes them one after another: the file is the whole text.
      const file = join(tempDir(), 'sandbox.json');
      const persister = new Persister(file, () => stateChunks(PLATFORMS, slices));
      persister.changed();
      await persister.flush();
      expect(readFileSync(file, 'utf8')).toBe(whole);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // A record changed (replaced, as every change is) after a write: the next write has it as it is now.
      users.set('big7', { ...users.get('big7')!, Surname: 'Changed' });
      users.delete('big8');
      const now = JSON.stringify({ version: 1, ...Object.fromEntries(PLATFORMS.map((p) => [p.name, (p as AnyPlatform).saveState(slices.get(p.name))])) });
      expect(now).toContain('"Surname":"Changed"');
      expect([...stateChunks(PLATFORMS, slices)].join('')).toBe(now);
    } finally {
      await sandbox.stop();
    }
  });
});
