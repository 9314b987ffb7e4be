import type { Issue } from '../core/model/issues.js';
import { FILE_LEVEL } from '../core/validate/batch.js';

/** The column a file read again gets (`validate --annotate`, the report's failed rows): what is wrong with each row. */
export const ERRORS_COLUMN = 'hrsync errors';

/** Findings about a whole file or its columns, said on line 1 — which in a JSON file is a record's line too. */
const ABOUT_FILE: ReadonlySet<string> = new Set(['unknown_column', 'unused_column', 'ambiguous_column', 'unchecked_reference', ...FILE_LEVEL]);

/**
 * A file's issues in line order (as IssueLog's inOrder gives them, a batch at a time: never all at
 * once), asked for line by line as the file is read again (lines in increasing order; the same line
 * again gives the same issues, as a one-line JSON document's records share one). The twin readers of
 * `validate --annotate` and of the report's failed rows.
 */
export class IssuesByLine {
  private batch: readonly Issue[] = [];
  private at = 0;
  private line = 0;
  private found: Issue[] = [];
  /** An error about the whole file (a missing column, …): every row of it is left out. */
  fileError = false;

  constructor(private readonly issues: AsyncGenerator<readonly Issue[]>) {}

  async of(line: number): Promise<Issue[]> {
    if (line === this.line) return this.found;
    const found: Issue[] = [];
    for (;;) {
      if (this.at === this.batch.length) {
        const next = await this.issues.next();
        if (next.done) break;
        [this.batch, this.at] = [next.value, 0];
        continue;
      }
      const issue = this.batch[this.at]!;
      if (issue.line > line) break;
      if (FILE_LEVEL.has(issue.code) && issue.severity === 'error') this.fileError = true;
      // A file's findings are not its first record's (line 1 of NDJSON is a record).
      if (issue.line === line && !(line === 1 && ABOUT_FILE.has(issue.code))) found.push(issue);
      this.at++;
    }
    [this.line, this.found] = [line, found];
    return found;
  }

  async close(): Promise<void> {
    await this.issues.return(undefined);
  }
}

/** A row's issues in the words of the report: "message; warning: message". */
export function notesOf(issues: readonly Issue[]): string {
  return issues.map((i) => `${i.severity === 'warning' ? 'warning: ' : ''}${i.message}`).join('; ');
}
