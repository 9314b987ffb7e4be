/**
 * Edit distance for "did you mean" suggestions on short strings: insertions, deletions, substitutions
 * and a swap of two adjacent characters each count 1 (optimal string alignment), so "emial" is one
 * typo from "email", as a person counts it.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current.push(d);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
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
