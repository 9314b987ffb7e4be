import { describe, expect, it } from 'vitest';
import { askingOn } from '../../src/cli/terminal.js';
import { hrsyncIn } from '../helpers/run.js';

describe('where a confirmation is asked', () => {
  const opens = () => true;
  const fails = () => false;
  it('on standard error when it and standard input are the terminal', () => {
    expect(askingOn(true, true, fails)).toBe('stderr');
  });
  it('on the terminal itself when standard error is piped (2>&1 | tail), not into the pipe', () => {
    expect(askingOn(true, false, opens)).toBe('tty');
  });
  it('nowhere (non-interactive: --yes is needed) without a terminal on standard input, or when the terminal cannot be opened', () => {
    expect(askingOn(false, true, opens)).toBeUndefined();
    expect(askingOn(false, false, opens)).toBeUndefined();
    expect(askingOn(true, false, fails)).toBeUndefined();
  });
});

describe('the question before an apply', () => {
  it('says the plan’s summary when standard output is not the terminal (the plan went into a pipe, unseen)', async () => {
    const piped = await hrsyncIn(['import', 'samples/users.csv'], { answer: 'n' });
    expect([piped.code, piped.stderr]).toEqual([0, expect.stringContaining('Plan: 15 to create, 0 to update, 5 unchanged — apply 15 changes to accessplanit "sandbox"? [y/N] nothing was written')]);
    expect(piped.stdout).toContain('Plan: 15 to create, 0 to update, 5 unchanged.');
    // On a terminal the plan is just above: the question alone.
    const shown = await hrsyncIn(['import', 'samples/users.csv'], { answer: 'n', stdoutIsTTY: true });
    expect([shown.code, shown.stderr]).toEqual([0, expect.stringContaining('Apply 15 changes to accessplanit "sandbox"? [y/N] nothing was written')]);
    expect(shown.stderr).not.toContain('Plan:');
  });
});
