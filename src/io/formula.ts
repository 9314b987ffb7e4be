/**
 * First characters after which a spreadsheet may read a cell as a formula (OWASP, CSV Injection:
 * = + - @ tab CR; OWASP ASVS 1.2.10 adds NUL). A ' before one of them, read back, is dropped (unneutralise).
 */
export const FORMULA_START: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r', '\0']);

/**
 * A cell starting with + or - that no spreadsheet runs, so it is written as it is: a plain number
 * (-5, +1.5, -1,5, -1.234,56, -2e3, -5%), signs alone (- for "none", ---) or a phone number in groups of digits parted by single spaces, a group
 * perhaps in brackets, (0) or the area code (+49 30 1000028, +44 20 7946 0958, +49 (0)30 1000028, +44 (0) 20 7946 0958,
 * +49 (30) 1000028, +1 (555) 010 0100). Neither holds a letter (no function, no
 * reference, no DDE command) nor an operator between its digits (+1-555-0100 is arithmetic in Excel,
 * -1+1 too: those are guarded). LibreOffice Calc reads these as the number or the text written
 * (test/io/formula-calc.test.ts); Excel's formula grammar has no meaning for digits parted by spaces.
 */
const PLAIN_SIGNED = /^(?:[+-]\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?%?|\+\d+(?: (?:\(\d+\)\d*|\d+))+|[+-]+)$/;

/** The cell, read back by a spreadsheet, could be run as a formula. */
export function runnable(cell: string): boolean {
  if (cell.length === 0 || !FORMULA_START.has(cell[0]!)) return false;
  return !((cell[0] === '+' || cell[0] === '-') && PLAIN_SIGNED.test(cell));
}

/** How many ' a cell starts with, when a formula character follows them (else 0). */
function quotesBeforeFormula(cell: string): number {
  let k = 0;
  while (cell.charCodeAt(k) === 39) k++;
  return k > 0 && k < cell.length && FORMULA_START.has(cell[k]!) ? k : 0;
}

/**
 * A CSV cell a spreadsheet could run as a formula gets a leading ' (=1+1, @SUM(1), +1+1, -1+1, a tab
 * first); a number or a phone number is left as written (-5, +49 30 1000028). A cell whose ' already
 * come before a formula character gets one more, so that unneutralise gives back exactly what was
 * written: unneutralise(neutralise(x)) is x for every x.
 */
export function neutralise(cell: string): string {
  return runnable(cell) || quotesBeforeFormula(cell) > 0 ? `'${cell}` : cell;
}

/**
 * Undoes neutralise on reading: one ' before a formula character is dropped — whoever added it (hrsync
 * now, or before, when it guarded phone numbers too; or a spreadsheet's own export).
 */
export function unneutralise(cell: string): string {
  return cell.charCodeAt(0) === 39 && quotesBeforeFormula(cell) > 0 ? cell.slice(1) : cell;
}
