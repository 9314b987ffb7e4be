/**
 * Keys a JSON record names twice. JSON.parse keeps the last value without a word; a person who wrote
 * `"email"` twice meant one of them, so the reader says so. Counting is cheap and done for every record
 * (keyCount, as the record's text is walked once anyway); naming the duplicates walks the text again
 * and only runs for a record whose text holds more keys than its parsed object.
 */

/** How many keys an object parsed by JSON.parse holds, nested objects' keys (in arrays too) included. */
export function keyCount(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') n += keyCount(item);
    return n;
  }
  for (const key in value as Record<string, unknown>) {
    n++;
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== null && typeof inner === 'object') n += keyCount(inner);
  }
  return n;
}

/** The end of the JSON string that starts at `i` (its closing quote's index), escapes skipped. */
export function stringEnd(text: string, i: number): number {
  for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
  return i;
}

/** Whether the next character after `i` that is not white space is a colon: the string before it was a key. */
export function colonAfter(text: string, i: number): boolean {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) return true;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return false;
}

/** The keys named more than once in one object of this (valid) JSON text, as dotted paths: ["email", "address.city"]. */
export function duplicateKeys(text: string): string[] {
  const found = new Set<string>();
  // One entry per open object (its keys so far) or array (null), with the path of the keys inside it.
  const open: Array<{ keys: Set<string> | null; path: string }> = [];
  let lastKey = '';
  const inner = () => {
    const parent = open.at(-1);
    if (!parent) return '';
    return parent.keys ? `${parent.path}${lastKey}.` : parent.path; // an array's items: the array's key
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) open.push({ keys: c === 123 ? new Set() : null, path: inner() });
    else if (c === 125 || c === 93) open.pop();
    else if (c === 34) {
      const end = stringEnd(text, i);
      const top = open.at(-1);
      if (top?.keys && colonAfter(text, end)) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) found.add(`${top.path}${key}`);
        top.keys.add(key);
        lastKey = key;
      }
      i = end;
    }
  }
  return [...found];
}
