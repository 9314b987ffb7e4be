/**
 * --max-invalid: how many invalid rows a run accepts and still succeeds — a count ("5"), or a share of
 * the data rows read ("2%"). Within it the rows are still reported (and left out of an import); beyond
 * it the run fails as any invalid input does (exit 3).
 */
export type Tolerance = { count: number } | { share: number };

/** "5" → 5 rows, "2%" or "2.5 %" → that share of the rows; undefined when it is neither. */
export function parseTolerance(text: string): Tolerance | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n <= 100 ? { share: n / 100 } : undefined;
  return Number.isInteger(n) ? { count: n } : undefined;
}

/** The most invalid rows a tolerance allows out of `rows`: a share rounded down (2% of 120 rows: 2). */
export function allowedInvalid(tolerance: Tolerance, rows: number): number {
  // The share as written times the rows, rounded down without float noise (0.07 * 100 is 7.000000000000001).
  return 'count' in tolerance ? tolerance.count : Math.floor(Math.round(tolerance.share * rows * 1e6) / 1e6);
}

/** What a validation says about its invalid rows (see ValidationReport). */
export interface InvalidCounts {
  ok: boolean;
  truncated: boolean;
  summary: { rows: number; errors: number };
  invalidRows?: number | undefined;
  brokenFiles?: number | undefined;
}

/**
 * Whether a validation's errors are within the tolerance: every error is on a row (a file that cannot be
 * read, or lacks a required column, is never tolerated: none of its rows was checked), the whole input
 * was checked (not stopped by --max-errors), and the rows with an error are no more than it allows.
 */
export function withinTolerance(report: InvalidCounts, tolerance: Tolerance | undefined): boolean {
  if (report.ok) return true;
  if (!tolerance || report.truncated || report.invalidRows === undefined) return false;
  if ((report.brokenFiles ?? 0) > 0 || report.invalidRows === 0) return false;
  return report.invalidRows <= allowedInvalid(tolerance, report.summary.rows);
}
