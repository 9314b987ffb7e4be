import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../src/cli/options.js';
import { CONNECTORS } from '../src/connectors/registry.js';
import { sandboxFlags } from '../src/sandbox/server.js';
import { FIELDS } from '../src/core/model/fields.js';
import { ExitCode } from '../src/errors.js';
import { ISSUE_CODES } from '../src/core/model/issues.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README stays true', () => {
  it('documents every option of the options table, and every emulated platform’s sandbox flags', () => {
    for (const spec of Object.values(OPTIONS)) expect(readme).toContain(spec.flags.replace('|', '\\|'));
    for (const [, spec] of sandboxFlags()) expect(readme).toContain(spec.flags);
  });

  it('lists every canonical field', () => {
    for (const [entity, defs] of Object.entries(FIELDS)) for (const d of defs) expect(readme, `${entity}.${d.name}`).toContain(`| \`${d.name}\` |`);
  });

  it('documents every exit code', () => {
    for (const code of Object.values(ExitCode)) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });

  it('names every platform, and gives every platform hrsync writes to a row of rules', () => {
    for (const connector of CONNECTORS) {
      expect(readme.toLowerCase(), connector.type).toContain(`\`${connector.type}\``);
      if (connector.role === 'target') expect(readme, connector.type).toMatch(new RegExp(`^\\| \`${connector.type}\` \\|`, 'm'));
    }
  });

  it('names every issue code', () => {
    for (const code of ISSUE_CODES) expect(readme).toContain(`\`${code}\``);
  });
});
