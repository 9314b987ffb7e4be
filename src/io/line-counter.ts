/**
 * Maps byte offsets of a UTF-8 stream to physical line numbers, as a spreadsheet user counts them:
 * CRLF, LF and a lone CR each end one line. Chunks are fed as they stream past; offsets must be asked
 * for in increasing order, and chunks wholly behind the last offset asked for are released.
 */
export class LineCounter {
  private chunks: Buffer[] = [];
  private chunkStart = 0; // absolute offset of chunks[0][0]
  private pos = 0; // absolute offset scanned up to
  private line: number; // line at `pos`
  private lastWasCR = false;

  /** `line`: the physical line the first byte fed is on. */
  constructor(line = 1) {
    this.line = line;
  }

  feed(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  /**
   * Moves to `offset` (the end of a record) and returns the line where the record that began at the
   * previous position starts: leading blank lines are skipped, as the parser skips them.
   */
  recordSpan(offset: number): number {
    this.skipLineBreaks(offset);
    const start = this.line;
    this.advance(offset);
    return start;
  }

  /** The line where the next record starts (blank lines after the last record read are skipped). */
  startOfNext(): number {
    this.skipLineBreaks(Infinity);
    return this.line;
  }

  private byteAt(abs: number): number | undefined {
    let base = this.chunkStart;
    for (const chunk of this.chunks) {
      if (abs < base + chunk.length) return chunk[abs - base];
      base += chunk.length;
    }
    return undefined;
  }

  private skipLineBreaks(limit: number): void {
    for (;;) {
      if (this.pos >= limit) return;
      const b = this.byteAt(this.pos);
      if (b === 0x0a) {
        if (!this.lastWasCR) this.line++;
        this.lastWasCR = false;
      } else if (b === 0x0d) {
        this.line++;
        this.lastWasCR = true;
      } else return;
      this.pos++;
    }
  }

  /** Next LF and CR at or after the scan position in chunks[0] (-1: none left in it); -2: not looked up. */
  private nextLf = -2;
  private nextCr = -2;

  private advance(offset: number): void {
    while (this.pos < offset && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const chunkEnd = this.chunkStart + chunk.length;
      if (this.pos >= chunkEnd) {
        // Blank lines skipped before the record took the position past this chunk: release it.
        this.chunks.shift();
        this.chunkStart = chunkEnd;
        this.nextLf = this.nextCr = -2;
        continue;
      }
      const from = this.pos - this.chunkStart;
      const to = Math.min(offset, chunkEnd) - this.chunkStart;
      this.countBreaks(chunk, from, to);
      this.pos = this.chunkStart + to;
      if (this.pos >= chunkEnd) {
        this.chunks.shift();
        this.chunkStart = chunkEnd;
        this.nextLf = this.nextCr = -2;
      }
    }
  }

  /**
   * Counts line breaks in chunk[from, to). The next LF and CR positions are remembered across calls,
   * so a chunk is searched once in all, not once per record (an LF-only file has no CR to find).
   */
  private countBreaks(chunk: Buffer, from: number, to: number): void {
    if (from >= to) return;
    // A CR that ended the previous span and an LF that starts this one are one line break.
    if (this.lastWasCR && chunk[from] === 0x0a) from++;
    this.lastWasCR = false;
    let i = from;
    while (i < to) {
      if (this.nextLf !== -1 && this.nextLf < i) this.nextLf = chunk.indexOf(0x0a, i);
      if (this.nextCr !== -1 && this.nextCr < i) this.nextCr = chunk.indexOf(0x0d, i);
      const lf = this.nextLf === -1 || this.nextLf >= to ? Infinity : this.nextLf;
      const cr = this.nextCr === -1 || this.nextCr >= to ? Infinity : this.nextCr;
      if (lf === Infinity && cr === Infinity) return;
      this.line++;
      if (cr < lf) {
        if (cr + 1 === to) {
          this.lastWasCR = true; // the LF, if any, is in the next span
          return;
        }
        i = chunk[cr + 1] === 0x0a ? cr + 2 : cr + 1;
      } else i = lf + 1;
    }
  }
}
