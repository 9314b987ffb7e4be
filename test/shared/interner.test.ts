import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { rulesNamed } from '../../src/connectors/registry.js';
import { projected } from '../../src/core/plan/project.js';
import { validateFiles } from '../../src/core/validate/validate-files.js';
import { Interner } from '../../src/shared/interner.js';
import { tempDir, write } from '../helpers/files.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let held: unknown;
/**
 * The bytes of heap what `make` gives keeps alive: measured after full collections, with it held and
 * after. It is held only in `held` (an async function's frame would keep the value it awaited).
 */
async function retained(make: () => Promise<unknown> | unknown): Promise<number> {
  await (async () => {
    held = await make();
  })();
  gc();
  const holding = process.memoryUsage().heapUsed;
  held = undefined;
  gc();
  return holding - process.memoryUsage().heapUsed;
}

/** A new copy of `text` each call, as a parser makes them. */
const fresh = (text: string) => [...text].join('');

const ROWS = 30_000;

describe('Interner: a value many records repeat is held once', () => {
  it('gives one copy of each value, and gives up a field of many distinct values (its table stays small)', () => {
    const interner = new Interner();
    expect([interner.value('companyId', fresh('ACME01')), interner.value('companyId', 7), interner.value('x', null)]).toEqual(['ACME01', 7, null]);
    const values = { companyId: fresh('ACME01'), active: true };
    interner.all(values);
    expect(values).toEqual({ companyId: 'ACME01', active: true });
  });

  it('a projected target record keeps the one copy: thousands of records with one company hold it once', async () => {
    const rows = (interner?: Interner) => () => Array.from({ length: ROWS }, (_, i) => projected({ id: `u${i}`, companyId: fresh('ACME01'), status: fresh('Enabled') }, ['id', 'companyId', 'status'], interner));
    const each = await retained(rows());
    const once = await retained(rows(new Interner()));
    // Two strings of 24 bytes or more a record fewer.
    expect(each - once).toBeGreaterThan(ROWS * 2 * 16);
  });

  it('the records validation keeps for a plan hold a value their rows repeat once', async () => {
    const dir = tempDir();
    const csv = (same: boolean) => ['Employee ID,First name,Last name,Company ID', ...Array.from({ length: ROWS }, (_, i) => `E${i},Pat${String(i).padStart(5, '0')},${same ? 'Lee00000' : `Lee${String(i).padStart(5, '0')}`},ACME01`)].join('\n');
    write(dir, 'same.csv', csv(true));
    write(dir, 'distinct.csv', csv(false));
    const kept = (file: string) => () => validateFiles([file], { rules: rulesNamed('accessplanit')!, read: { cwd: dir }, keepRecords: true });
    const distinct = await retained(kept('distinct.csv'));
    const same = await retained(kept('same.csv'));
    // The one last name held once for all rows, not once a row (24 bytes or more a row).
    expect(distinct - same).toBeGreaterThan(ROWS * 16);
  });
});
