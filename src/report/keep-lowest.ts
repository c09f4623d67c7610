/**
 * Keeps in `list`, sorted by rank, the `max` items of lowest rank among those offered, whatever
 * order they come in (connections end in any order): an item is made by `make` only when it is
 * kept. The performance summary's stalled connections and the HTML report's examples of each
 * anomaly are the first ones by connection id, kept so.
 */
export function keepLowest<T>(list: T[], max: number, rank: number, rankOf: (item: T) => number, make: () => T): void {
  if (list.length >= max && (max === 0 || rank >= rankOf(list[list.length - 1] as T))) return;
  let i = list.length;
  while (i > 0 && rankOf(list[i - 1] as T) > rank) i--;
  list.splice(i, 0, make());
  if (list.length > max) list.pop();
}
