import { allowedInvalid, withinTolerance, type InvalidCounts, type Tolerance } from '../../core/validate/tolerance.js';
import { plural, type Colours } from '../terminal.js';

/**
 * What --max-invalid made of a validation that found errors, in one line: within it (a warning: the rows
 * are reported and left out, the run succeeds), or why not (an error: the run fails, exit 3).
 */
export function toleranceLine(report: InvalidCounts, tolerance: Tolerance, said: string, c: Colours): string {
  const invalid = report.invalidRows ?? 0;
  const allowed = allowedInvalid(tolerance, report.summary.rows);
  const of = 'share' in tolerance ? ` (${plural(allowed, 'row')} of ${plural(report.summary.rows, 'row')})` : '';
  if (withinTolerance(report, tolerance)) return c.yellow(`! ${plural(invalid, 'invalid row')}, within ${said}${of}: reported and left out, and the run does not fail on them`);
  if (report.truncated) return `${c.red('error:')} --max-errors stopped the check before every row was read: ${said} cannot be applied, the input is taken as invalid`;
  if ((report.brokenFiles ?? 0) > 0 || invalid === 0) return `${c.red('error:')} an error is about a whole file, not a row (none of its rows was read or checked): ${said} tolerates invalid rows only`;
  return `${c.red('error:')} ${plural(invalid, 'invalid row')}: more than ${said} allows${of}`;
}
