import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlan } from '../../src/app/apply-saved-plan.js';
import { leftOutOf } from '../../src/app/import-run.js';
import type { ValidationReport } from '../../src/core/validate/validate-files.js';
import { UsageError } from '../../src/errors.js';
import { tempDir } from '../helpers/files.js';

describe('the reason each row left out gives in results.csv', () => {
  it('a whole-file error on a header below a title is the reason for its rows, in a workbook or a CSV, as on line 1', () => {
    const file = (name: string, header?: number) => ({ file: name, rows: 1, errors: 1, ...(header ? { sheet: 'Mitarbeiter', cells: { header, columns: {}, fields: {} } } : {}) });
    const issue = (name: string, line: number) => ({ file: name, line, entity: 'users', field: 'companyId', value: null, code: 'missing_column', message: 'no column for companyId', severity: 'error', hint: null });
    const row = (name: string, line: number) => ({ entity: 'users' as const, file: name, line, values: { externalId: `E${line}` }, source: {} });
    const validation = {
      files: [file('staff.xlsx', 3), file('staff.csv'), file('titled.csv')],
      issues: [issue('staff.xlsx', 3), issue('staff.csv', 1), issue('titled.csv', 3)],
      rejected: [row('staff.xlsx', 4), row('staff.csv', 2), row('titled.csv', 4)],
    } as unknown as ValidationReport;
    expect(leftOutOf({ plan: undefined, validation }).map((r) => [r.file, r.error])).toEqual([
      ['staff.xlsx', 'the file is left out: no column for companyId'],
      ['staff.csv', 'the file is left out: no column for companyId'],
      ['titled.csv', 'the file is left out: no column for companyId'], // a CSV's header on line 3, below its title
    ]);
  });
});

describe('apply of a plan file that is not there', () => {
  it('says there is no such file (and what a plan file is), not that it is not JSON', async () => {
    const dir = tempDir();
    await expect(readPlan('missing.json', dir)).rejects.toMatchObject({ constructor: UsageError, message: 'plan file missing.json: no such file', hint: expect.stringContaining('--out plan.json') });
    mkdirSync(join(dir, 'folder.json'));
    await expect(readPlan('folder.json', dir)).rejects.toThrow('plan file folder.json cannot be read: it is a folder');
  });
});
