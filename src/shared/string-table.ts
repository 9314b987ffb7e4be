import { fnv1a as hashOf } from './fnv.js';

/** Bytes of text a piece of the store holds (an entry never spans two). */
const PIECE = 1 << 20;
/** A key or value longer than this (in UTF-8) is held in a plain Map instead (never seen for ids and emails). */
const LONGEST = 4096;
/** The value length that says "null". */
const NULL = 0xffff;

/**
 * A Map of strings to strings (or null) for a million entries (issue 22 goal 4): a Map of a million
 * short strings to short strings is ~95 bytes an entry in Node's V8 (two strings of their own, the
 * Map's entry and buckets); here each entry is its key and value as UTF-8 side by side in pieces of a
 * megabyte, found through a table of positions and hashes (two Int32Arrays, open addressing, at most
 * half full): ~50 bytes an entry for an id of 7 characters and an email of 21. A value set again is
 * written anew (what it replaced stays, unreachable: values seldom change). Iteration is in no order.
 */
export class StringTable {
  private readonly pieces: Buffer[] = [];
  private used = PIECE; // of the last piece: a full one, so that the first entry makes one
  private slots = new Int32Array(16); // entry position + 1; 0: empty
  private hashes = new Int32Array(16);
  private count = 0;
  private readonly long = new Map<string, string | null>();
  private scratch = Buffer.alloc(256);

  get size(): number {
    return this.count + this.long.size;
  }

  /** The value of `key`: a string, null, or undefined when the key was never set. */
  get(key: string): string | null | undefined {
    if (this.long.size && this.long.has(key)) return this.long.get(key);
    const at = this.find(key);
    return at < 0 ? undefined : this.valueAt(this.slots[at]! - 1);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: string | null): this {
    const keyBytes = Buffer.byteLength(key);
    const valueBytes = value === null ? 0 : Buffer.byteLength(value);
    if (keyBytes > LONGEST || valueBytes > LONGEST || this.long.has(key)) {
      const at = this.find(key);
      if (at >= 0) this.remove(at);
      this.long.set(key, value);
      return this;
    }
    const position = this.write(key, keyBytes, value, valueBytes);
    const at = this.find(key);
    if (at >= 0) this.slots[at] = position + 1;
    else {
      if ((this.count + 1) * 2 > this.slots.length) this.grow();
      this.place(hashOf(key), position);
      this.count++;
    }
    return this;
  }

  delete(key: string): boolean {
    if (this.long.delete(key)) return true;
    const at = this.find(key);
    if (at >= 0) this.remove(at);
    return at >= 0;
  }

  *entries(): IterableIterator<[string, string | null]> {
    for (let i = 0; i < this.slots.length; i++) {
      const position = this.slots[i]! - 1;
      if (position >= 0) yield [this.keyAt(position), this.valueAt(position)];
    }
    yield* this.long;
  }

  /** Where `key` is in the table, or -1. */
  private find(key: string): number {
    const hash = hashOf(key);
    const mask = this.slots.length - 1;
    let bytes = -1;
    for (let i = hash & mask; this.slots[i] !== 0; i = (i + 1) & mask) {
      if (this.hashes[i] !== hash) continue;
      if (bytes < 0) bytes = this.encode(key);
      if (this.keyIs(this.slots[i]! - 1, bytes)) return i;
    }
    return -1;
  }

  /** Takes the entry at `at` out of the table, moving up those after it that its place held back (linear probing). */
  private remove(at: number): void {
    const mask = this.slots.length - 1;
    this.slots[at] = 0;
    this.count--;
    for (let i = (at + 1) & mask; this.slots[i] !== 0; i = (i + 1) & mask) {
      const position = this.slots[i]! - 1;
      const hash = this.hashes[i]!;
      this.slots[i] = 0;
      this.place(hash, position);
    }
  }

  private place(hash: number, position: number): void {
    const mask = this.slots.length - 1;
    let i = hash & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = position + 1;
    this.hashes[i] = hash;
  }

  private grow(): void {
    const slots = this.slots;
    const hashes = this.hashes;
    this.slots = new Int32Array(slots.length * 2);
    this.hashes = new Int32Array(slots.length * 2);
    for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) this.place(hashes[i]!, slots[i]! - 1);
  }

  /** Writes an entry (key length, value length, key, value): its position. */
  private write(key: string, keyBytes: number, value: string | null, valueBytes: number): number {
    const size = 4 + keyBytes + valueBytes;
    if (this.used + size > PIECE) {
      this.pieces.push(Buffer.allocUnsafe(PIECE));
      this.used = 0;
    }
    const piece = this.pieces[this.pieces.length - 1]!;
    const start = this.used;
    piece.writeUInt16LE(keyBytes, start);
    piece.writeUInt16LE(value === null ? NULL : valueBytes, start + 2);
    piece.write(key, start + 4, keyBytes, 'utf8');
    if (value !== null) piece.write(value, start + 4 + keyBytes, valueBytes, 'utf8');
    this.used += size;
    return (this.pieces.length - 1) * PIECE + start;
  }

  /** `key` in the scratch buffer: its length in bytes. */
  private encode(key: string): number {
    const bytes = Buffer.byteLength(key);
    if (bytes > this.scratch.length) this.scratch = Buffer.alloc(bytes * 2);
    return this.scratch.write(key, 0, bytes, 'utf8');
  }

  /** Whether the entry at `position` has the key in the scratch buffer (`bytes` long). */
  private keyIs(position: number, bytes: number): boolean {
    const piece = this.pieces[Math.floor(position / PIECE)]!;
    const start = position % PIECE;
    return piece.readUInt16LE(start) === bytes && piece.compare(this.scratch, 0, bytes, start + 4, start + 4 + bytes) === 0;
  }

  private keyAt(position: number): string {
    const piece = this.pieces[Math.floor(position / PIECE)]!;
    const start = position % PIECE;
    return piece.toString('utf8', start + 4, start + 4 + piece.readUInt16LE(start));
  }

  private valueAt(position: number): string | null {
    const piece = this.pieces[Math.floor(position / PIECE)]!;
    const start = position % PIECE;
    const keyBytes = piece.readUInt16LE(start);
    const valueBytes = piece.readUInt16LE(start + 2);
    return valueBytes === NULL ? null : piece.toString('utf8', start + 4 + keyBytes, start + 4 + keyBytes + valueBytes);
  }
}
