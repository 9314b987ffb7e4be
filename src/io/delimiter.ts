export const DELIMITER_CANDIDATES = [',', ';', '\t', '|'] as const;

/** Accepts the spellings people type for --delimiter: "," ";" "|" "tab" "\t". */
export function parseDelimiterOption(value: string): string | undefined {
  const v = value.toLowerCase();
  if (v === 'tab' || v === '\\t' || v === '\t') return '\t';
  if (v === 'comma') return ',';
  if (v === 'semicolon') return ';';
  if (v === 'pipe') return '|';
  return value.length === 1 ? value : undefined;
}

/** Splits the first lines of a CSV head into logical lines, keeping quoted line breaks inside a line. */
function logicalLines(head: string, max: number): string[] {
  const lines: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < head.length && lines.length < max; i++) {
    const c = head[i]!;
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '\n' || c === '\r')) {
      if (current.trim() !== '') lines.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  // The last line may be cut by the end of the head; only count it when the head is the whole file.
  return lines;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let n = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === delimiter) n++;
  }
  return n;
}

/**
 * Picks the delimiter among , ; TAB | that splits the header and the next lines most consistently.
 * `complete` says the head is the whole file, so its last line is whole too.
 */
export function sniffDelimiter(head: string, complete: boolean): string {
  let lines = logicalLines(complete ? head + '\n' : head, 20);
  if (lines.length === 0) return ',';
  lines = lines.slice(0, 20);
  // A title line above the header ("Staff list", no delimiter at all) says nothing of the delimiter:
  // the lines from the first one with two or more of a candidate (three cells) do, within the first five.
  const none = (line: string) => DELIMITER_CANDIDATES.every((d) => countOutsideQuotes(line, d) === 0);
  const start = lines.findIndex((line) => DELIMITER_CANDIDATES.some((d) => countOutsideQuotes(line, d) >= 2));
  if (start > 0 && start <= 5 && lines.slice(0, start).every(none)) lines = lines.slice(start);
  let best: { delimiter: string; score: number } = { delimiter: ',', score: 0 };
  for (const delimiter of DELIMITER_CANDIDATES) {
    const counts = lines.map((l) => countOutsideQuotes(l, delimiter));
    const headerCount = counts[0]!;
    if (headerCount === 0) continue;
    const consistent = counts.filter((c) => c === headerCount).length;
    // Consistency across lines matters most; more columns break ties (a name with a comma in a ;-file).
    const score = consistent * 1000 + headerCount;
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

/**
 * The line ends of a CSV file's first lines (outside quoted values): CRLF, LF or CR; LF when the
 * head holds no line break.
 */
export function sniffEol(head: string): '\r\n' | '\n' | '\r' {
  let quoted = false;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 10) return '\n';
    else if (!quoted && c === 13) return head.charCodeAt(i + 1) === 10 ? '\r\n' : i + 1 < head.length ? '\r' : '\r\n';
  }
  return '\n';
}
