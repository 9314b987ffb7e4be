import { describe, expect, it } from 'vitest';
import { hrsyncIn } from '../helpers/run.js';

describe('hrsync version', () => {
  it('prints what --version prints; --format json adds the Node version and the platform', async () => {
    const flag = await hrsyncIn(['--version']);
    const command = await hrsyncIn(['version']);
    expect([command.code, command.stdout]).toEqual([0, flag.stdout]);
    expect(command.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const json = await hrsyncIn(['version', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ version: flag.stdout.trim(), node: process.version, platform: process.platform, arch: process.arch });
  });
});
