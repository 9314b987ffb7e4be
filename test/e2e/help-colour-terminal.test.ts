import { afterEach, describe, expect, it } from 'vitest';
import { HAS_SCRIPT, hrsyncInPty, killPtyRuns } from '../helpers/pty.js';
import { tempProject } from '../helpers/run.js';

/** What the terminal showed, as lines of text: escapes and carriage returns removed, `script`'s pid line dropped. */
const shown = (output: string) =>
  output
    .replace(/\x1b\[[\d;?]*[A-Za-z]/g, '')
    .replace(/\r/g, '')
    .split('\n')
    .filter((l) => !l.startsWith('HRSYNC_PID='));

/** The built binary in a real pseudo-terminal: what depends on a terminal's width and on colour settings. */
describe.skipIf(!HAS_SCRIPT)('help and colour on a real terminal', () => {
  afterEach(killPtyRuns);

  it('help wraps to the terminal’s width: narrow and wide', async () => {
    const dir = tempProject();
    const narrow = shown((await hrsyncInPty(['import', '--help'], { cwd: dir, columns: 60 }).exited).output);
    expect(narrow.join('\n')).toContain('Usage: hrsync import');
    for (const line of narrow) expect(line.length, line).toBeLessThanOrEqual(60);
    // A long example is continued the way a shell continues a line.
    expect(narrow.join('\n')).toMatch(/\$ hrsync import --from hr --target lms .*\\\n +\S/);
    const wide = shown((await hrsyncInPty(['import', '--help'], { cwd: dir, columns: 150 }).exited).output);
    expect(wide.some((l) => l.startsWith('Validate the files, read the target, plan the smallest set of writes (create, update, deactivate, delete), show it, and apply'))).toBe(true);
    expect(Math.max(...wide.map((l) => l.length))).toBeGreaterThan(100);
    // A terminal with no size: commander's 80.
    const sizeless = shown((await hrsyncInPty(['import', '--help'], { cwd: dir, columns: 0 }).exited).output);
    for (const line of sizeless) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('colour on a terminal by default; off with --no-color, FORCE_COLOR=0 or NO_COLOR', async () => {
    const dir = tempProject();
    const args = ['validate', 'samples/invalid/users.csv', '--target', 'generic'];
    const run = async (extra: string[], env: Record<string, string> = {}) => (await hrsyncInPty([...args, ...extra], { cwd: dir, env }).exited).output;
    const coloured = await run([]);
    expect(coloured).toContain('invalid_email');
    expect(coloured).toMatch(/\x1b\[\d+m/);
    for (const [extra, env] of [
      [['--no-color'], {}],
      [[], { FORCE_COLOR: '0' }],
      [[], { NO_COLOR: '1' }],
    ] as Array<[string[], Record<string, string>]>) {
      const plain = await run(extra, env);
      expect(plain, JSON.stringify({ extra, env })).toContain('invalid_email');
      expect(plain, JSON.stringify({ extra, env })).not.toMatch(/\x1b\[\d+m/);
    }
  });
});
