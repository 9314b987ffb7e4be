/** First characters that make a spreadsheet run a cell as a formula (OWASP CSV injection). */
export const FORMULA_START: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r']);

/** A CSV cell a spreadsheet would run as a formula gets a leading ' (read back, hrsync removes it). */
export function neutralise(cell: string): string {
  return cell.length > 0 && FORMULA_START.has(cell[0]!) ? `'${cell}` : cell;
}

/** Undoes neutralise on reading: a ' before a formula character is dropped. */
export function unneutralise(cell: string): string {
  return cell.length > 1 && cell.charCodeAt(0) === 39 && FORMULA_START.has(cell[1]!) ? cell.slice(1) : cell;
}
