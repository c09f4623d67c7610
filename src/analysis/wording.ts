/** Numbers as the findings' details word them. */

/** `n` of `of` as a whole percentage: "37 %" ("0 %" of nothing). */
export function percent(n: number, of: number): string {
  return of === 0 ? '0 %' : `${Math.round((n / of) * 100)} %`;
}

/** "1 connection", "3 connections". */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
