import type { SpillFile, SpillFolder } from '../../io/spill.js';
import { ignoresCase, keyValue } from '../model/keys.js';

/**
 * Where each value of one key field was seen in a batch, for duplicate and reference checks at
 * once. A location is packed into one number (file index × 2³² + line).
 */
export const pack = (fileIndex: number, line: number): number => fileIndex * 0x1_0000_0000 + line;
export const unpack = (location: number): { fileIndex: number; line: number } => ({
  fileIndex: Math.floor(location / 0x1_0000_0000),
  line: location % 0x1_0000_0000,
});

/** Load factor the slot table is sized for, and the one past which it grows (only when the estimate was low). */
const LOAD = 0.75;
const MAX_LOAD = 0.85;
/** Values added at a time (see add). */
const QUEUED = 256;
/** The longest key whose bytes hash() keeps for store() (a longer one is read from its string again). */
const STAGED = 128;
/** Keys are kept in pages of this size; a longer key (a 16 MB cell) gets a page of its own. */
const PAGE = 1 << 20;
/** Entries read back from pages on disk, kept for the next look (a reference to the same manager, company …). */
const CACHED = 1 << 14;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** A 32-bit word of an entry read from disk, as the page's Int32Array wrote it. */
const word = (bytes: Buffer, at: number): number => (LITTLE_ENDIAN ? bytes.readInt32LE(at) : bytes.readInt32BE(at));
/** An entry's header: where its value was first seen (file index and line in one word), and its length. */
const HEADER = 8;
/** A first location fits its word when the file index is below 32 and the line below 2²⁶ (67 million); others are kept aside. */
const LINE_BITS = 26;
const FAR = -1;
/** Where an entry is fits in 31 bits (a slot holds it + 1 as an Int32): page × PAGE + offset. */
const MAX_BYTES = 2047 * PAGE;

/**
 * The set of values of one key field, built for million-row files and exact.
 *
 * - Slots: an open-addressing table, one Int32Array of pairs (the value's 32-bit hash, and where its
 *   entry is: one cache line a probe), 8 bytes a slot at a load of at most 0.75, sized once from the
 *   expected number of keys — no rehash unless the estimate was low. This is all an index holds in
 *   memory for each key: about 11 bytes.
 * - Entries, one per distinct value, in 1 MB pages, each on a 32-bit word: where the value was first
 *   seen (file index and line in 4 bytes; a location past 32 files or 67 million lines is kept aside),
 *   its length (4 bytes; the top bit: UTF-8 rather than Latin-1) and its text, once (one byte a
 *   character for Latin-1). So two values with the same hash are always told apart by their text: a
 *   collision costs one comparison, never a false duplicate or a missed one.
 * - Only the page being filled stays in memory: each full page is written to a private file (`spill`:
 *   0600, its name removed once open, gone when the run ends) and its entries are read back from there
 *   when a hash matches — a duplicate, a reference, or one of the rare 32-bit collisions (about 100 in
 *   a million distinct keys). The last 16,384 entries read back are kept, for references that repeat.
 *   Without `spill` every page stays in memory (about 20 bytes a key plus its text).
 *
 * Values are compared by the one key rule (core/model/keys.ts): trimmed, and ignoring case for emails
 * and names. ASCII values — nearly all keys — are hashed and compared in place, without making the
 * trimmed or lower-cased string; others go through keyValue().
 */
export class KeyIndex {
  /** Values compare by the one key rule (core/model/keys.ts) for this field. */
  readonly ignoreCase: boolean;
  private capacity = 0;
  /** Slot i: [2i] the value's hash, [2i + 1] where its entry is (page × PAGE + offset) + 1, 0 when empty. */
  private table = new Int32Array(0);
  private count = 0;
  /** The pages; one written to disk is undefined here, and at pageAt[page] in the file. */
  private readonly pages: Array<Buffer | undefined> = [];
  /** Each page in memory as 32-bit words, for an entry's header: [first location, length]. */
  private readonly words: Array<Int32Array | undefined> = [];
  private readonly pageAt: number[] = [];
  private pageUsed: number;
  /** Where the last page's entries end (past pageSize for a page holding one long value). */
  private pageEnd = 0;
  private folder: SpillFolder | undefined;
  private file: SpillFile | undefined;
  /** Entries read back from disk: [its bytes (header and text)]. */
  private readonly cache = new Map<number, Buffer>();
  private readonly scratch = Buffer.allocUnsafeSlow(64);
  /** Entry → every location after the first, for values seen more than once. */
  private readonly repeats = new Map<number, number[]>();
  /** Entry → its first location, when that does not fit the entry's header. */
  private readonly far = new Map<number, number>();
  private readonly pageSize: number;
  /** Values added but not yet in the table (see add), where each was seen, and each one's hash and key while they are added. */
  private readonly queued = new Array<string>(QUEUED).fill('');
  private readonly queuedAt = new Float64Array(QUEUED);
  private waiting = 0;
  private readonly hashes = new Int32Array(QUEUED);
  private readonly keys = { from: new Int32Array(QUEUED), to: new Int32Array(QUEUED), latin1: new Uint8Array(QUEUED), slow: new Array<string | undefined>(QUEUED).fill(undefined), staged: new Int32Array(QUEUED) };
  /** The queued keys' bytes as hash() read them (folded when compared ignoring case), STAGED bytes a key: store() copies them from here. */
  private readonly stage = new Uint8Array(QUEUED * STAGED);
  /** What the reads of the slots ahead of the adds read (kept, so that they are not optimised away). */
  private touched = 0;
  private readonly spill: (() => SpillFolder) | undefined;

  /**
   * `expected`: about how many values will be added (the table is sized for it once). `spill`: where
   * full pages go (made on first use); `pageSize`: tests make it small.
   */
  constructor(
    readonly field: string,
    private readonly expected = 0,
    options: { spill?: () => SpillFolder; pageSize?: number } = {},
  ) {
    this.ignoreCase = ignoresCase(field);
    this.pageSize = options.pageSize ?? PAGE;
    this.pageUsed = this.pageSize;
    this.spill = options.spill;
  }

  /**
   * Adds a value seen at `location`. Values are queued and added QUEUED at a time (everything that reads
   * the index adds what is queued first): their slots in the table are read all together before any is
   * filled, so that the memory waits overlap rather than each add waiting for its own.
   */
  add(value: string, location: number): void {
    this.queued[this.waiting] = value;
    this.queuedAt[this.waiting] = location;
    if (++this.waiting === QUEUED) this.flush();
  }

  has(value: string): boolean {
    this.flush();
    return this.find(value, false, 0) >= 0;
  }

  /** Adds the values queued by add(), in the order they came. */
  flush(): void {
    const n = this.waiting;
    if (n === 0) return;
    const { queued, keys, hashes } = this;
    // First every value's hash and key (its trimmed span, or its keyValue()), then a read of every slot
    // they start at (the reads do not wait for each other), then the adds, one by one, in order.
    for (let k = 0; k < n; k++) {
      hashes[k] = this.hash(queued[k]!, k * STAGED);
      keys.from[k] = this.from;
      keys.to[k] = this.to;
      keys.latin1[k] = this.latin1 ? 1 : 0;
      keys.slow[k] = this.slow;
      keys.staged[k] = this.staged;
    }
    let touched = 0;
    const table = this.table;
    for (let k = 0; k < n && this.capacity > 0; k++) touched ^= table[this.slotOf(hashes[k]!) + 1]!;
    this.touched = touched;
    for (let k = 0; k < n; k++) {
      this.value = queued[k]!;
      this.from = keys.from[k]!;
      this.to = keys.to[k]!;
      this.latin1 = keys.latin1[k] === 1;
      this.slow = keys.slow[k];
      this.staged = keys.staged[k]!;
      this.fold = this.ignoreCase && this.slow === undefined;
      const location = this.queuedAt[k]!;
      const entry = this.probe(hashes[k]!, true, location);
      if (entry < 0) continue;
      const list = this.repeats.get(entry);
      if (list) list.push(location);
      else this.repeats.set(entry, [location]);
    }
    this.waiting = 0;
    queued.fill('', 0, n);
    keys.slow.fill(undefined, 0, n);
  }

  /** Every value seen more than once (in its compared form), with all its locations in the order they were seen. */
  *duplicates(): IterableIterator<[string, number[]]> {
    this.flush();
    for (const [entry, later] of this.repeats) {
      const { bytes, at } = this.entryAt(entry);
      const packed = word(bytes, at);
      const first = packed === FAR ? this.far.get(entry)! : pack(packed >>> LINE_BITS, packed & ((1 << LINE_BITS) - 1));
      const length = word(bytes, at + 4);
      const start = at + HEADER;
      yield [length < 0 ? bytes.toString('utf8', start, start + (length & 0x7fffffff)) : bytes.toString('latin1', start, start + length), [first, ...later]];
    }
  }

  /** Closes the file its pages went to (and so removes it). */
  close(): void {
    this.waiting = 0;
    if (this.file) this.folder!.remove(this.file);
    this.file = undefined;
    this.cache.clear();
    // What it held in memory too: an import plans long after its validation is done (issue 22 goal 4).
    this.table = new Int32Array(0);
    this.pages.length = 0;
    this.words.length = 0;
    this.repeats.clear();
    this.far.clear();
  }

  // The key being looked for: `value` between `from` and `to` (folded to lower case when `fold`), or `slow`.
  private value = '';
  private from = 0;
  private to = 0;
  private fold = false;
  private slow: string | undefined;
  private latin1 = true;
  /** Where in `stage` hash() left the key's bytes; -1: not there. */
  private staged = -1;

  /**
   * Where the value's entry is (≥ 0); else -1, after storing a new entry (first seen at `location`)
   * when `insert`.
   */
  private find(value: string, insert: boolean, location: number): number {
    return this.probe(this.hash(value), insert, location);
  }

  /** The first of a hash's slots (its index in the table). */
  private slotOf(hash: number): number {
    return Math.floor((hash >>> 0) * (this.capacity / 0x1_0000_0000)) * 2;
  }

  /** find() for the key hash() has just set. */
  private probe(hash: number, insert: boolean, location: number): number {
    if (this.capacity === 0) {
      if (!insert) return -1;
      this.resize(Math.max(1024, Math.ceil(Math.max(this.expected, 1) / LOAD)));
    }
    const table = this.table;
    let i = this.slotOf(hash);
    for (;;) {
      const entry = table[i + 1]!;
      if (entry === 0) break;
      if (table[i] === hash && this.equals(entry - 1)) return entry - 1;
      i += 2;
      if (i === table.length) i = 0;
    }
    if (!insert) return -1;
    table[i] = hash;
    table[i + 1] = this.store(location) + 1;
    if (++this.count > this.capacity * MAX_LOAD) this.resize(this.capacity * 2);
    return -1;
  }

  /** The 32-bit hash a value is filed under (tests use it to find two values that share one). */
  hashOf(value: string): number {
    return this.hash(value);
  }

  /** FNV-1a over the key's characters, two at a time, then murmur3's finaliser. Sets the key being looked for. */
  private hash(value: string, stageAt = -1): number {
    this.value = value;
    this.slow = undefined;
    this.latin1 = true;
    this.staged = -1;
    let from = 0;
    let to = value.length;
    while (from < to && isSpace(value.charCodeAt(from))) from++;
    while (to > from && isSpace(value.charCodeAt(to - 1))) to--;
    const fold = this.ignoreCase;
    // Two characters a step (a chain of multiplications half as long); the same steps over keyValue()'s key below.
    let h = 0x811c9dc5;
    let k = from;
    // The bytes are kept as they are read (at stageAt, when asked and the key fits), for store().
    const stage = this.stage;
    const at = stageAt >= 0 && to - from <= STAGED ? stageAt - from : -1;
    for (; k + 1 < to; k += 2) {
      let c = value.charCodeAt(k);
      let d = value.charCodeAt(k + 1);
      if ((c | d) >= 128) break;
      if (fold) {
        if (c >= 65 && c <= 90) c += 32;
        if (d >= 65 && d <= 90) d += 32;
      }
      if (at >= 0) {
        stage[at + k] = c;
        stage[at + k + 1] = d;
      }
      h = Math.imul(h ^ (c | (d << 16)), 16777619);
    }
    if (k + 1 === to) {
      let c = value.charCodeAt(k);
      if (c < 128) {
        if (fold && c >= 65 && c <= 90) c += 32;
        if (at >= 0) stage[at + k] = c;
        h = Math.imul(h ^ c, 16777619);
        k++;
      }
    }
    const ascii = k === to;
    if (ascii && at >= 0) this.staged = stageAt;
    if (!ascii) {
      // Unicode spaces around it, or letters outside ASCII: the key as keyValue() makes it.
      const key = keyValue(this.field, value);
      this.slow = key;
      from = 0;
      to = key.length;
      h = 0x811c9dc5;
      let j = 0;
      for (; j + 1 < to; j += 2) {
        const c = key.charCodeAt(j);
        const d = key.charCodeAt(j + 1);
        if ((c | d) > 255) this.latin1 = false;
        h = Math.imul(h ^ (c | (d << 16)), 16777619);
      }
      if (j < to) {
        const c = key.charCodeAt(j);
        if (c > 255) this.latin1 = false;
        h = Math.imul(h ^ c, 16777619);
      }
    }
    this.from = from;
    this.to = to;
    this.fold = fold && ascii;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) | 0;
  }

  /** Whether an entry's text is the key being looked for. */
  private equals(entry: number): boolean {
    const pageIndex = Math.floor(entry / this.pageSize);
    const offset = entry % this.pageSize;
    let page = this.pages[pageIndex];
    let length: number;
    let start: number;
    if (page) {
      length = this.words[pageIndex]![(offset >> 2) + 1]!;
      start = offset + HEADER;
    } else {
      const at = this.entryAt(entry);
      page = at.bytes;
      length = word(page, at.at + 4);
      start = at.at + HEADER;
    }
    if (length < 0) return this.slow !== undefined && page.toString('utf8', start, start + (length & 0x7fffffff)) === this.slow;
    const key = this.slow ?? this.value;
    const from = this.slow === undefined ? this.from : 0;
    if (length !== (this.slow === undefined ? this.to - this.from : key.length)) return false;
    const fold = this.fold;
    for (let k = 0; k < length; k++) {
      let c = key.charCodeAt(from + k);
      if (fold && c >= 65 && c <= 90) c += 32;
      if (page[start + k] !== c) return false;
    }
    return true;
  }

  /** An entry's bytes (its header at `at`, then its text): in its page, or read back from disk. */
  private entryAt(entry: number): { bytes: Buffer; at: number } {
    const pageIndex = Math.floor(entry / this.pageSize);
    const page = this.pages[pageIndex];
    if (page) return { bytes: page, at: entry % this.pageSize };
    let bytes = this.cache.get(entry);
    if (!bytes) {
      const position = this.pageAt[pageIndex]! + (entry % this.pageSize);
      const got = this.folder!.read(this.file!, this.scratch, position);
      const size = HEADER + (word(this.scratch, 4) & 0x7fffffff);
      bytes = Buffer.allocUnsafe(size);
      if (size <= got) this.scratch.copy(bytes, 0, 0, size);
      else this.folder!.read(this.file!, bytes, position);
      if (this.cache.size >= CACHED) this.cache.clear();
      this.cache.set(entry, bytes);
    }
    return { bytes, at: 0 };
  }

  /** A new entry for the key being looked for, first seen at `location`: where it is. */
  private store(location: number): number {
    const text = this.slow ?? this.value;
    const from = this.slow === undefined ? this.from : 0;
    const to = this.slow === undefined ? this.to : text.length;
    const bytes = this.latin1 ? to - from : Buffer.byteLength(text, 'utf8');
    const size = (HEADER + bytes + 3) & ~3; // entries start on a 32-bit word
    if (this.pageUsed + size > this.pageSize) {
      if ((this.pages.length + 1) * this.pageSize > MAX_BYTES) throw new Error(`the values of ${this.field} hold more than ${MAX_BYTES / PAGE / 1024} GB of text`);
      const full = this.pages.length - 1;
      let page: Buffer | undefined;
      if (full >= 0 && this.spill) {
        // The full page goes to disk, and its memory holds the next one.
        const old = this.pages[full]!;
        this.folder ??= this.spill();
        this.file ??= this.folder.create();
        this.pageAt[full] = this.file.size;
        this.folder.append(this.file, old.subarray(0, this.pageEnd));
        this.pages[full] = undefined;
        this.words[full] = undefined;
        if (old.length === this.pageSize && size <= this.pageSize) page = old;
      }
      page ??= Buffer.allocUnsafeSlow(Math.max(this.pageSize, size));
      this.pages.push(page);
      this.words.push(new Int32Array(page.buffer, page.byteOffset, page.length >> 2));
      this.pageUsed = 0;
    }
    const pageIndex = this.pages.length - 1;
    const page = this.pages[pageIndex]!;
    const words = this.words[pageIndex]!;
    const offset = this.pageUsed;
    const fileIndex = Math.floor(location / 0x1_0000_0000);
    const line = location - fileIndex * 0x1_0000_0000;
    const entry = pageIndex * this.pageSize + offset;
    if (fileIndex < 1 << (31 - LINE_BITS) && line < 1 << LINE_BITS) words[offset >> 2] = (fileIndex << LINE_BITS) | line;
    else {
      words[offset >> 2] = FAR;
      this.far.set(entry, location);
    }
    words[(offset >> 2) + 1] = this.latin1 ? bytes : bytes | 0x80000000;
    const start = offset + HEADER;
    if (this.staged >= 0) {
      // Byte by byte, from where hash() left them: for keys this short, cheaper than a call into Buffer.copy.
      const stage = this.stage;
      const at = this.staged;
      for (let k = 0; k < bytes; k++) page[start + k] = stage[at + k]!;
    } else if (this.latin1) {
      // Byte by byte: for keys this short, cheaper than a call into Buffer.write (and no substring made).
      const fold = this.fold;
      for (let k = 0; k < bytes; k++) {
        const c = text.charCodeAt(from + k);
        page[start + k] = fold && c >= 65 && c <= 90 ? c + 32 : c;
      }
    } else page.write(text, start, 'utf8');
    // A page longer than pageSize holds one entry only: the next starts a new page.
    this.pageEnd = offset + size;
    this.pageUsed = offset + size > this.pageSize ? this.pageSize : offset + size;
    return entry;
  }

  /** A table of `capacity` slots holding every entry so far (rehashed from the hashes kept). */
  private resize(capacity: number): void {
    const old = this.table;
    const table = new Int32Array(capacity * 2);
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = Math.floor((old[j]! >>> 0) * (capacity / 0x1_0000_0000)) * 2;
      while (table[i + 1] !== 0) {
        i += 2;
        if (i === table.length) i = 0;
      }
      table[i] = old[j]!;
      table[i + 1] = old[j + 1]!;
    }
    this.capacity = capacity;
    this.table = table;
  }
}

/** The whitespace String.prototype.trim removes, in ASCII. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
