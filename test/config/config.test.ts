import { CONNECTOR_TYPES } from '../../src/connectors/registry.js';
import { PLATFORMS } from '../../src/sandbox/platforms/index.js';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveSecret } from '../../src/config/load.js';
import { configJsonSchema } from '../../src/config/schema.js';
import { UsageError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/files.js';

describe('configuration', () => {
  it('finds hrsync.config.json or .yaml in the working directory', async () => {
    const dir = tempDir();
    expect(await loadConfig(undefined, dir)).toBeUndefined();
    write(dir, 'hrsync.config.yaml', 'targets:\n  lms:\n    type: accessplanit\n    baseUrl: https://acme.accessplanit.com/accessplan/api/v2\n    apiKey: env:AP_KEY\n    rateLimit: 5000/h\n');
    const loaded = await loadConfig(undefined, dir);
    expect(loaded?.config.targets.lms).toMatchObject({ type: 'accessplanit', apiKey: 'env:AP_KEY' });
  });

  it('refuses credentials written in the file, naming the key', async () => {
    const dir = tempDir();
    write(dir, 'c.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: 'https://x', apiKey: 'plain-secret' } } }));
    await expect(loadConfig('c.json', dir)).rejects.toThrow(/targets\.lms\.apiKey: credentials go in the environment: write "env:NAME"/);
  });

  it('checks the shape: unknown keys, a defaultTarget that names nothing, a bad rate', async () => {
    const dir = tempDir();
    const cases: Array<[unknown, RegExp]> = [
      [{ targets: { lms: { type: 'moodle', baseUrl: 'x' } } }, /targets\.lms\.type: [^(]*$/],
      // A typo of a platform's name: the nearest one.
      [{ targets: { lms: { type: 'acesplanit', baseUrl: 'x' } } }, /targets\.lms\.type: .* \(not "acesplanit": did you mean "accessplanit"\?\)$/],
      [{ targets: {}, defaultTarget: 'lms' }, /defaultTarget names no target/],
      [{ targets: { hr: { type: 'unified', connectionId: 'c', apiKey: 'env:K', rateLimit: 'fast' } } }, /write a rate such as "5000\/h"/],
      [{ targets: { lms: { type: 'accessplanit', baseUrl: 'x', colour: 'red' } } }, /colour/],
    ];
    for (const [document, message] of cases) {
      write(dir, 'bad.json', JSON.stringify(document));
      await expect(loadConfig('bad.json', dir)).rejects.toThrow(message);
    }
    write(dir, 'broken.json', '{"targets": ');
    await expect(loadConfig('broken.json', dir)).rejects.toThrow(/not valid JSON/);
  });

  it('reads env: references, naming a missing variable', () => {
    expect(resolveSecret('env:AP_KEY', 'target "lms": apiKey', { AP_KEY: 'k' })).toBe('k');
    expect(() => resolveSecret('env:AP_KEY', 'target "lms": apiKey', {})).toThrow(UsageError);
    expect(() => resolveSecret('env:AP_KEY', 'target "lms": apiKey', { AP_KEY: '' })).toThrow('target "lms": apiKey refers to the environment variable AP_KEY, which is not set');
  });

  it('ships an example config that is valid, one target of each type the sandbox emulates', async () => {
    const loaded = await loadConfig('samples/hrsync.config.example.json', ROOT);
    const emulated = PLATFORMS.filter((p) => 'client' in p && CONNECTOR_TYPES.includes(p.name)).map((p) => p.name);
    expect(Object.values(loaded!.config.targets).map((t) => t.type).sort()).toEqual([...emulated].sort());
  });

  it('publishes a JSON Schema editors can use', () => {
    const schema = configJsonSchema() as { properties: { targets: { additionalProperties: { oneOf: Array<{ properties: { type: { const: string } } }> } } } };
    expect(schema.properties.targets.additionalProperties.oneOf.map((t) => t.properties.type.const)).toEqual([...CONNECTOR_TYPES]);
  });
});
