/**
 * The most bytes decoded into one string: V8 makes a string this size in its young generation; a larger
 * one goes to the large-object space, whose fresh pages cost a page fault each (a 256 KB chunk decoded
 * whole cost the NDJSON reader a fifth of its time). Read chunks are decoded a piece at a time.
 */
export const PIECE_BYTES = 64 * 1024;

/** Where the piece of a UTF-8 `chunk` that starts at `at` ends: at most `size` (PIECE_BYTES) on, between two characters. */
export function pieceEnd(chunk: Buffer, at: number, size = PIECE_BYTES): number {
  const limit = Math.min(at + size, chunk.length);
  let end = limit;
  while (end < chunk.length && end > at && (chunk[end]! & 0xc0) === 0x80) end--;
  return end > at ? end : limit;
}

/** A UTF-8 `chunk` in pieces of at most PIECE_BYTES, each cut between characters. */
export function* pieces(chunk: Buffer): Generator<Buffer> {
  for (let at = 0; at < chunk.length; ) {
    const end = pieceEnd(chunk, at);
    yield chunk.subarray(at, end);
    at = end;
  }
}
