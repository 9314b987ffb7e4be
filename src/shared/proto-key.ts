/**
 * Where a parsed document (the config, a mapping file) has a key named `__proto__`, as a path
 * (["targets", "__proto__"]); undefined when it has none. Such a key names something the user chose
 * (a target, a site, a column, a source value), but once checked the document is a plain object, where
 * `__proto__` is the object's prototype, not an entry: zod drops it without a word (a target that
 * vanishes), and a copy made by assignment would change the copy's prototype. So it is refused, named.
 * `constructor`, `prototype`, `toString` … are ordinary names: hrsync looks names up as own keys only.
 */
export function protoKeyPath(value: unknown, path: string[] = [], seen = new Set<object>()): string[] | undefined {
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  for (const [key, inner] of Object.entries(value)) {
    if (key === '__proto__') return [...path, key];
    const found = protoKeyPath(inner, [...path, key], seen);
    if (found) return found;
  }
  return undefined;
}

/** The words of a refusal of `__proto__` at `at` in `file`. */
export function protoKeyRefused(file: string, at: string[]): string {
  return `${file}: ${at.join('.')}: "__proto__" cannot be a name here (JavaScript gives that name to an object’s prototype): rename it`;
}
