/** What a workbook's cells mean: column letters, Excel's escapes, date formats and date serials. */

/** Excel's last column (XFD) and last row. */
export const MAX_COLUMN = 16_384;
export const MAX_ROW = 1_048_576;

/** A column's number (A = 1) as its letters. */
export function columnName(n: number): string {
  let name = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) name = String.fromCharCode(65 + ((k - 1) % 26)) + name;
  return name;
}

/** A cell reference (`C7`, `$C$7`) as column and row numbers; undefined when it is not one. */
export function cellRef(ref: string): { column: number; row: number } | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref);
  if (!m) return undefined;
  let column = 0;
  for (const ch of m[1]!.toUpperCase()) column = column * 26 + ch.charCodeAt(0) - 64;
  return { column, row: Number(m[2]) };
}

/** Excel writes a character XML cannot carry (a control character) as `_xHHHH_`, and a literal `_x` as `_x005F_x`. */
export function unescapeExcel(text: string): string {
  return text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
}

/** Excel's built-in number formats that show a date or a time (14–22, 45–47, and the East Asian 27–36, 50–58). */
const BUILT_IN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Whether a number format (by id, with the workbook's own formats) shows a date or time: its code, outside quotes, brackets and escapes, has d, m, y, h, s or b (a Buddhist year). */
export function isDateFormat(id: number, custom: ReadonlyMap<number, string>): boolean {
  const code = custom.get(id);
  if (code === undefined) return BUILT_IN_DATES.has(id);
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/[\\_*]./g, '');
  return /[dmyhsb]/i.test(bare.replace(/general/gi, ''));
}

/** The last serial Excel shows as a date, 9999-12-31: in the 1900 system, and in the 1904 one (1,462 days fewer). */
const LAST_SERIAL = 2_958_465;
const LAST_SERIAL_1904 = LAST_SERIAL - 1_462;
const DAY_MS = 86_400_000;

/**
 * A date serial as the date Excel shows, yyyy-mm-dd (a time of day is dropped); undefined outside the
 * dates Excel shows. The 1900 system counts a 29 February 1900 that never was (serial 60): serials
 * before it are a day later than a plain count; the 1904 system counts from 1904-01-01.
 */
export function serialDate(serial: number, date1904: boolean): string | undefined {
  if (!(serial >= 0 && serial < (date1904 ? LAST_SERIAL_1904 : LAST_SERIAL) + 1)) return undefined;
  if (!date1904 && serial >= 60 && serial < 61) return '1900-02-29';
  const epoch = date1904 ? 24_107 : serial < 60 ? 25_568 : 25_569; // days from the system's day 0 to 1970-01-01
  return new Date(Math.round((serial - epoch) * DAY_MS)).toISOString().slice(0, 10);
}
