/**
 * The order a call tries a trunk's targets in, as SRV records are tried (RFC 2782): lowest
 * priority first; within a priority, a weighted random draw, so a target of weight 30 comes first
 * three times as often as one of weight 10. Pure: the random source is given.
 *
 * @example
 * orderTargets([{ priority: 1, weight: 10 }, { priority: 0, weight: 1 }], Math.random); // priority 0 first
 */
export function orderTargets<T extends { readonly priority: number; readonly weight: number }>(
  targets: readonly T[],
  random: () => number,
): T[] {
  const byPriority = new Map<number, T[]>();
  for (const target of targets) byPriority.set(target.priority, [...(byPriority.get(target.priority) ?? []), target]);
  const ordered: T[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const left = [...(byPriority.get(priority) ?? [])];
    while (left.length > 0) {
      const total = left.reduce((sum, target) => sum + target.weight, 0);
      const draw = random() * total;
      // The first target whose running total of weights passes the draw.
      let index = 0;
      let passed = left[0]?.weight ?? 0;
      while (passed <= draw && index < left.length - 1) {
        index++;
        passed += left[index]?.weight ?? 0;
      }
      ordered.push(...left.splice(index, 1));
    }
  }
  return ordered;
}
