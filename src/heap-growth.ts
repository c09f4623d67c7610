/**
 * How far V8 lets the heap grow past what an analysis holds, once the analysis is large.
 *
 * After each full collection V8 sets the next limit at the live size times a factor it picks from
 * the collector's and the program's speeds, up to 4 when the heap may reach 2 GB or more (v8
 * src/heap/heap-controller.cc, MemoryController::MaxGrowingFactor), as Node lets it on machines of
 * 8 GB and more (4 GB of heap on this project's 24 GB VM). Before its first full collection of a
 * growing heap V8 waits longer still: the shared generator's 1 GB mix reached 600 MB of heap
 * with about 230 MB live before the first one. So an analysis holding its bounded set of
 * connections (200-250 MB of live objects at the 20,000-connection limit) peaked at 0.7-1 GB of
 * RSS.
 *
 * Once an analysis holds as many connections as it may (the tracker began handing them on
 * early) or its heap passes LARGE_HEAP, tcplens sets that factor to 1.5 (V8's
 * --heap-growing-percent, read at each collection) and runs one full collection at once, so the
 * factor applies from what is live then rather than after V8's own first collection. The
 * connection limit comes first in a flood, while the heap is still small. Medium captures reach
 * neither and run as before (a factor fixed from the start cost them up to 15 % more time).
 * Under a heap limit below 2 GB (a smaller machine, a container, `--max-old-space-size`) V8's own
 * factor tops out at 2 and its first collection comes sooner; V8 is left alone there (1.5 was
 * measured only under the 4 GB limit), and where the user gave `node --heap-growing-percent=N`.
 * Node keeps V8's flags open to v8.setFlagsFromString after start (--no-freeze-flags-after-init
 * is its default).
 *
 * It is a setting of the whole process: the commands that run one analysis in their process
 * (analyze, packets, timeline) ask for it, the viewer and `audit` do not.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const LARGE_HEAP = 384 << 20;
/**
 * V8's factor can reach 4 once its old generation may grow to 2 GB (MaxGrowingFactor's kMaxSize,
 * 1 GB × the pointer multiplier 2); heap_size_limit adds the young generation (48 MB in Node
 * 20), so a 2,000 MB old generation reads 2,048 MB and the default 2 GB one 2,096 MB.
 */
export const HIGH_GROWTH_LIMIT = (2048 + 32) * 1048576;
/**
 * The factor 1.5, measured against 2.5 and 1.75 on the 1 GB mix and spoofed SYN floods (README,
 * Benchmark): against 2.5 it costs 3-12 % more time on the mix and 9-20 % on floods, for a
 * quarter to a third less memory; 1.75 was as slow as 1.5, with more memory.
 */
const GROWING_PERCENT = 50;

/** Whether an analysis holds as many connections as it may, or a heap past LARGE_HEAP. */
export function analysisIsLarge(atConnectionLimit: boolean, totalHeapSize: number): boolean {
  return atConnectionLimit || totalHeapSize >= LARGE_HEAP;
}

/** The V8 flag to set once the analysis is large, or null: V8's own factor is lower, or the user gave their own. */
export function heapGrowthFlag(heapSizeLimit: number, execArgv: readonly string[]): string | null {
  if (heapSizeLimit < HIGH_GROWTH_LIMIT) return null;
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) return null;
  return `--heap-growing-percent=${GROWING_PERCENT}`;
}

/**
 * One full collection now, if V8 lets us: it gives a `gc` function to the contexts made after
 * --expose-gc is set; this one is made for it and dropped (the program's own global gets none).
 * Node says flags changed after start may do nothing: then no collection, and the analysis goes
 * on (only its memory is at stake). Returns whether it ran.
 */
export function collectGarbageNow(): boolean {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    if (typeof gc !== 'function') return false;
    (gc as () => void)();
    return true;
  } catch {
    return false;
  }
}

let settled = false;

/** Called between input chunks: caps the heap's growth once the analysis is large (once per process). */
export function capHeapGrowthWhenLarge(atConnectionLimit: boolean): void {
  if (settled) return;
  const heap = getHeapStatistics();
  if (!analysisIsLarge(atConnectionLimit, heap.total_heap_size)) return;
  settled = true;
  const flag = heapGrowthFlag(heap.heap_size_limit, process.execArgv);
  if (flag === null) return;
  setFlagsFromString(flag);
  collectGarbageNow();
}
