/**
 * JSON text (UTF-8 bytes) parsed as JSON.parse would, without ever making the whole text one string:
 * V8 caps a string at 2^29 characters, and the emulator's state after an import of a million people
 * through the API is about 1.6 GB of JSON (issue 22 goal 7: it must start again from it). A value whose
 * text is at most `limit` bytes is JSON.parse's; a larger object or array is cut into its members at
 * the commas of its own level (outside strings), each parsed the same way. What JSON.parse refuses
 * throws a SyntaxError here too.
 */
export function parseJsonBytes(bytes: Uint8Array, limit = 128 * 1024 * 1024): unknown {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [start, end] = trimmed(buffer, 0, buffer.length);
  return parseRange(buffer, start, end, limit);
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const [OBJECT, ARRAY, CLOSE_OBJECT, CLOSE_ARRAY, QUOTE, BACKSLASH, COMMA, COLON] = ['{', '[', '}', ']', '"', '\\', ',', ':'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number, number, number];

function trimmed(buffer: Buffer, start: number, end: number): [number, number] {
  while (start < end && SPACE.has(buffer[start]!)) start++;
  while (end > start && SPACE.has(buffer[end - 1]!)) end--;
  return [start, end];
}

function parseRange(buffer: Buffer, start: number, end: number, limit: number): unknown {
  const open = buffer[start];
  const close = open === OBJECT ? CLOSE_OBJECT : open === ARRAY ? CLOSE_ARRAY : undefined;
  // A small value, or one that cannot be cut (a string, a number: JSON.parse says what is wrong with it).
  if (end - start <= limit || close === undefined) return JSON.parse(buffer.toString('utf8', start, end));
  if (buffer[end - 1] !== close) throw new SyntaxError(`an object or array not closed where it ends, at byte ${end}`);
  const members = membersOf(buffer, start + 1, end - 1);
  if (open === ARRAY) return members.map(([s, e]) => parseRange(buffer, s, e, limit));
  const out: Record<string, unknown> = {};
  for (const [s, e] of members) {
    const colon = colonOf(buffer, s, e);
    const key = JSON.parse(buffer.toString('utf8', ...trimmed(buffer, s, colon))) as unknown;
    if (typeof key !== 'string') throw new SyntaxError(`a key that is not a string, at byte ${s}`);
    // As JSON.parse makes it: an own property, even "__proto__"; the last of a repeated key wins.
    Object.defineProperty(out, key, { value: parseRange(buffer, ...trimmed(buffer, colon + 1, e), limit), writable: true, enumerable: true, configurable: true });
  }
  return out;
}

/** The byte ranges (trimmed) of the members between an object's or array's brackets: split at its own commas. */
function membersOf(buffer: Buffer, start: number, end: number): Array<[number, number]> {
  const members: Array<[number, number]> = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const c = buffer[i]!;
    if (c === QUOTE) i = stringEnd(buffer, i, end);
    else if (c === OBJECT || c === ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (--depth < 0) throw new SyntaxError(`an unexpected closing bracket at byte ${i}`);
    } else if (c === COMMA && depth === 0) {
      members.push(trimmed(buffer, from, i));
      from = i + 1;
    }
  }
  if (depth !== 0) throw new SyntaxError('an object or array that is not closed');
  const last = trimmed(buffer, from, end);
  if (last[1] > last[0] || members.length) members.push(last); // an empty member (a trailing comma) is JSON.parse's error to give
  return members;
}

/** Where the string opened at `at` ends (its closing quote). */
function stringEnd(buffer: Buffer, at: number, end: number): number {
  for (let i = at + 1; i < end; i++) {
    const c = buffer[i]!;
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  throw new SyntaxError(`a string not closed, from byte ${at}`);
}

/** Where a member's key ends: the first colon outside its key's string. */
function colonOf(buffer: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = buffer[i]!;
    if (c === QUOTE) i = stringEnd(buffer, i, end);
    else if (c === COLON) return i;
  }
  throw new SyntaxError(`a member with no colon, at byte ${start}`);
}
