import { ignoresCase, keyValue } from '../model/keys.js';

/**
 * Where each value of one key field was seen in a batch, for duplicate and reference checks at
 * once. A location is packed into one number (file index × 2³² + line).
 *
 * Built for million-row files: values are not kept as strings but as a 64-bit hash (the two 32-bit
 * lanes of cyrb53) in an open-addressing table of typed arrays, 16 bytes a slot — a Map of strings
 * costs several times the memory and time. Only values that repeat are kept as strings, to report
 * them. Two different values share a 64-bit hash with odds of about 3·10⁻⁸ in a million-row file;
 * the only effect would be a duplicate report naming two lines that plainly differ.
 */
export const pack = (fileIndex: number, line: number): number => fileIndex * 0x1_0000_0000 + line;
export const unpack = (location: number): { fileIndex: number; line: number } => ({
  fileIndex: Math.floor(location / 0x1_0000_0000),
  line: location % 0x1_0000_0000,
});

let h1 = 0;
let h2 = 0;
/** cyrb53 (bryc, public domain): sets h1 and h2, two well-mixed 32-bit halves of one hash. */
function hash(text: string): void {
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  h1 = a | 0;
  h2 = b | 0;
}

export class KeyIndex {
  private capacity = 1 << 16;
  private count = 0;
  private lane1 = new Int32Array(this.capacity);
  private lane2 = new Int32Array(this.capacity);
  /** First location of the value in each slot; 0 marks an empty slot (lines start at 1). */
  private where = new Float64Array(this.capacity);
  private readonly repeats = new Map<string, number[]>();

  /** Values compare by the one key rule (core/model/keys.ts) for this field. */
  readonly ignoreCase: boolean;

  constructor(readonly field: string) {
    this.ignoreCase = ignoresCase(field);
  }

  private key(value: string): string {
    return keyValue(this.field, value);
  }

  /** The slot holding the current hash, or the empty slot where it belongs. */
  private slot(): number {
    const mask = this.capacity - 1;
    let i = h1 & mask;
    while (this.where[i] !== 0 && (this.lane1[i] !== h1 || this.lane2[i] !== h2)) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const { lane1, lane2, where } = this;
    this.capacity *= 2;
    this.lane1 = new Int32Array(this.capacity);
    this.lane2 = new Int32Array(this.capacity);
    this.where = new Float64Array(this.capacity);
    for (let i = 0; i < where.length; i++) {
      if (where[i] === 0) continue;
      h1 = lane1[i]!;
      h2 = lane2[i]!;
      const j = this.slot();
      this.lane1[j] = h1;
      this.lane2[j] = h2;
      this.where[j] = where[i]!;
    }
  }

  add(value: string, location: number): void {
    const key = this.key(value);
    hash(key);
    const i = this.slot();
    const first = this.where[i]!;
    if (first === 0) {
      this.lane1[i] = h1;
      this.lane2[i] = h2;
      this.where[i] = location;
      if (++this.count * 2 > this.capacity) this.grow();
      return;
    }
    const list = this.repeats.get(key);
    if (list) list.push(location);
    else this.repeats.set(key, [first, location]);
  }

  has(value: string): boolean {
    hash(this.key(value));
    return this.where[this.slot()] !== 0;
  }

  /** Every value seen more than once, with all its locations in the order they were seen. */
  duplicates(): IterableIterator<[string, number[]]> {
    return this.repeats.entries();
  }
}
