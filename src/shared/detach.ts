/**
 * A copy of a string that holds on to nothing else. In V8 a substring may point into the string it was
 * cut from — a CSV cell into the scanner's 64 KB piece of text — and a string built with + or a
 * template may point to its parts: one kept for long (an issue, a deferred reference, a cache key) would
 * keep the whole piece alive, and a million of them the whole file. Slicing a fresh concatenation makes
 * V8 flatten it into a string of its own first.
 */
export function detach(text: string): string {
  return ` ${text}`.slice(1);
}
