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
  settle();
  const holding = process.memoryUsage().heapUsed;
  held = undefined;
  settle();
  return holding - process.memoryUsage().heapUsed;
}

/** Full collections, twice: what one leaves to a concurrent sweeper the next has finished. */
function settle(): void {
  gc();
  gc();
}

/** A new copy of `text` each call, as a parser makes them. */
const fresh = (text: string) => [...text].join('');

const ROWS = 30_000;
/** Values of 40 characters: what interning saves a record is then far above the measurement's noise. */
const COMPANY = 'ACME-HOLDING-EUROPE-NORTH-WEST-BRANCH-01';
const STATUS = 'Enabled-with-a-long-status-description-x';
const pad = (i: number) => String(i).padStart(37, '0');

describe('Interner: a value many records repeat is held once', () => {
  it('gives one copy of each value, and gives up a field of many distinct values (its table stays small)', () => {
    const interner = new Interner();
    expect([interner.value('companyId', fresh('ACME01')), interner.value('companyId', 7), interner.value('x', null)]).toEqual(['ACME01', 7, null]);
    const values = { companyId: fresh('ACME01'), active: true };
    interner.all(values);
    expect(values).toEqual({ companyId: 'ACME01', active: true });
  });

  it('a projected target record keeps the one copy: thousands of records with one company hold it once', async () => {
    const rows = (interner?: Interner) => () => Array.from({ length: ROWS }, (_, i) => projected({ id: `u${i}`, companyId: fresh(COMPANY), status: fresh(STATUS) }, ['id', 'companyId', 'status'], interner));
    const each = await retained(rows());
    const once = await retained(rows(new Interner()));
    // Two strings of 56 bytes a record fewer (a 40-character one has a 16-byte header); the margin is
    // for what else a busy process's heap does between the measurements (seen: a quarter of a MB).
    expect(each - once).toBeGreaterThan(ROWS * 2 * 32);
  });

  it('the records validation keeps for a plan hold a value their rows repeat once', async () => {
    const dir = tempDir();
    const csv = (same: boolean) => ['Employee ID,First name,Last name,Company ID', ...Array.from({ length: ROWS }, (_, i) => `E${i},Pat${String(i).padStart(5, '0')},Lee${pad(same ? 0 : i)},ACME01`)].join('\n');
    write(dir, 'same.csv', csv(true));
    write(dir, 'distinct.csv', csv(false));
    const kept = (file: string) => () => validateFiles([file], { rules: rulesNamed('accessplanit')!, read: { cwd: dir }, keepRecords: true });
    const distinct = await retained(kept('distinct.csv'));
    const same = await retained(kept('same.csv'));
    // The one last name held once for all rows, not once a row (56 bytes a row; CI once measured 15
    // bytes a row less than a quiet machine, so the bound is well below).
    expect(distinct - same).toBeGreaterThan(ROWS * 32);
  });
});
