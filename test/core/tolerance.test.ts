import { describe, expect, it } from 'vitest';
import { allowedInvalid, parseTolerance, withinTolerance } from '../../src/core/validate/tolerance.js';

const report = (invalidRows: number, rows: number, more: Partial<{ truncated: boolean; brokenFiles: number }> = {}) => ({
  ok: invalidRows === 0, truncated: false, summary: { rows, errors: invalidRows * 2 }, invalidRows, brokenFiles: 0, ...more,
});

describe('--max-invalid', () => {
  it('reads a count or a share of the rows, and nothing else', () => {
    expect(parseTolerance('5')).toEqual({ count: 5 });
    expect(parseTolerance('0')).toEqual({ count: 0 });
    expect(parseTolerance('2%')).toEqual({ share: 0.02 });
    expect(parseTolerance(' 2.5 % ')).toEqual({ share: 0.025 });
    for (const bad of ['', 'five', '-1', '2.5', '101%', '5 rows', '%']) expect(parseTolerance(bad), bad).toBeUndefined();
  });

  it('allows a share of the rows rounded down, without float noise', () => {
    expect(allowedInvalid({ share: 0.02 }, 120)).toBe(2);
    expect(allowedInvalid({ share: 0.07 }, 100)).toBe(7);
    expect(allowedInvalid({ share: 0.01 }, 99)).toBe(0);
    expect(allowedInvalid({ count: 3 }, 1)).toBe(3);
  });

  it('counts rows, not errors: 3 invalid rows with 6 errors are within 3', () => {
    expect(withinTolerance(report(3, 100), { count: 3 })).toBe(true);
    expect(withinTolerance(report(4, 100), { count: 3 })).toBe(false);
    expect(withinTolerance(report(2, 100), { share: 0.02 })).toBe(true);
    expect(withinTolerance(report(3, 100), { share: 0.02 })).toBe(false);
    expect(withinTolerance(report(0, 100), undefined)).toBe(true);
    expect(withinTolerance(report(1, 100), undefined)).toBe(false);
  });

  it('never tolerates an error about a whole file, a check stopped by --max-errors, or errors on no row', () => {
    expect(withinTolerance(report(1, 100, { brokenFiles: 1 }), { count: 50 })).toBe(false);
    expect(withinTolerance(report(1, 100, { truncated: true }), { count: 50 })).toBe(false);
    expect(withinTolerance({ ...report(0, 100), ok: false }, { count: 50 })).toBe(false);
  });
});
