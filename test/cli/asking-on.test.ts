import { describe, expect, it } from 'vitest';
import { askingOn } from '../../src/cli/terminal.js';

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
