/** Damerau-free Levenshtein distance, for "did you mean" suggestions on short strings. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a distance that scales with length, or undefined. */
export function closest(value: string, candidates: Iterable<string>, normalise: (s: string) => string = (s) => s.toLowerCase()): string | undefined {
  const target = normalise(value);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(target, normalise(candidate));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const allowed = Math.max(1, Math.floor(target.length / 4));
  return best && best.distance <= allowed ? best.candidate : undefined;
}
