/**
 * Where each value of one key field was seen in a batch, for duplicate and reference checks at
 * once. A location is packed into one number (file index × 2³² + line) so a million-row file costs
 * one map entry per distinct value.
 */
export const pack = (fileIndex: number, line: number): number => fileIndex * 0x1_0000_0000 + line;
export const unpack = (location: number): { fileIndex: number; line: number } => ({
  fileIndex: Math.floor(location / 0x1_0000_0000),
  line: location % 0x1_0000_0000,
});

export class KeyIndex {
  private readonly first = new Map<string, number>();
  private readonly repeats = new Map<string, number[]>();

  constructor(readonly ignoreCase: boolean) {}

  private key(value: string): string {
    return this.ignoreCase ? value.trim().toLowerCase() : value.trim();
  }

  add(value: string, location: number): void {
    const key = this.key(value);
    const seen = this.first.get(key);
    if (seen === undefined) this.first.set(key, location);
    else {
      const list = this.repeats.get(key);
      if (list) list.push(location);
      else this.repeats.set(key, [seen, location]);
    }
  }

  has(value: string): boolean {
    return this.first.has(this.key(value));
  }

  /** Every value seen more than once, with all its locations in the order they were seen. */
  duplicates(): IterableIterator<[string, number[]]> {
    return this.repeats.entries();
  }
}
