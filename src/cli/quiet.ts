import { stripVTControlCharacters } from 'node:util';
import type { OutStream } from './terminal.js';

/** Lines that are errors: what --quiet keeps. */
const ERROR_LINE = [
  /^(error|internal error|stopped|still stopping|unknown|--strict):/, // hrsync's own, and commander's usage errors
  /^✖ /, // a target that failed its check
  /^\s*\S+:\d+\s+error\s/, // a validation error: file:line  error …
  /\b[1-9][\d,]* (failed|unknown)\b/, // an apply's summary when rows failed (the failed rows follow, indented)
];

/** Lines that belong to the message before them: kept when it was. */
const MORE_LINE = [/^\s/, /^hint:/, /:$/, /^this is a bug/, /^[A-Z]\w*Error\b/];

/**
 * --quiet: standard error with only the errors — hrsync's and commander's error lines, failed
 * validation rows and failed writes, with the hints and indented lines that follow each — and nothing
 * else: no notes, warnings, progress or summaries of what went well. It passes for a terminal (so
 * errors keep their colour) that has no size, so no spinner is drawn on it.
 */
export function quietStream(stream: OutStream): OutStream {
  let partial = '';
  let keeping = false;
  return {
    isTTY: Boolean(stream.isTTY),
    columns: 0,
    write(text: string): boolean {
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      const kept = lines.filter((line) => {
        const plain = stripVTControlCharacters(line);
        if (ERROR_LINE.some((p) => p.test(plain))) keeping = true;
        else if (!MORE_LINE.some((p) => p.test(plain))) keeping = false;
        return keeping;
      });
      return kept.length ? stream.write(kept.map((l) => `${l}\n`).join('')) : true;
    },
  };
}
