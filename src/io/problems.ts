import type { ReadProblem } from './types.js';

export function encodingProblem(file: string, line: number, encoding: string, looksLike?: string): ReadProblem {
  const utf8 = encoding === 'utf-8';
  if (looksLike)
    return {
      file,
      line,
      code: 'encoding',
      message: `the file looks like ${looksLike.toUpperCase()} without a byte-order mark (every other byte is zero), not UTF-8`,
      hint: `pass --encoding ${looksLike}, or save the file as UTF-8`,
      fatal: true,
    };
  return {
    file,
    line,
    code: 'encoding',
    message: utf8
      ? 'this line has bytes that are not valid UTF-8: the file is in another encoding'
      : `this line has bytes that are not valid ${encoding}`,
    hint: utf8
      ? 'files saved by Excel on Windows are usually Windows-1252: pass --encoding windows-1252 (or latin1)'
      : 'check the --encoding value',
    fatal: true,
  };
}
