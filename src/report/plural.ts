/** "1 TCP connection", "2 TCP connections", "0 frames": a count with its noun (regular plurals, or the one given). */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
