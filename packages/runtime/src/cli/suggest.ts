/**
 * "Did you mean ...?": the closest candidate by edit distance, when it is close enough to be a
 * typo. (Our own few lines rather than a dependency: the candidates are a few dozen short names.)
 */

/** Levenshtein distance between two short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The candidate closest to `given`, if within a third of its length (2 edits for short words, 1 for one or two letters); a prefix counts too. */
export function closest(given: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = candidate.startsWith(given) && given.length >= 3 ? 1 : editDistance(given, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // One or two letters are too little to guess from: only a one-letter slip counts.
  const limit = given.length <= 2 ? 1 : Math.max(2, Math.floor(given.length / 3));
  return bestDistance <= limit ? best : undefined;
}
