/**
 * Loaded with --import into a measured child: reports on stderr at exit its peak RSS, its CPU
 * time (all threads) and the main thread's own CPU time (Linux /proc; the range readers of
 * capture/parallel-pcap.ts run on other threads).
 */
import { readFileSync, writeSync } from 'node:fs';

function mainThreadCpuUs(): number {
  try {
    // Fields after the command name: state is field 3, utime 14 and stime 15 (proc(5)), in clock ticks (100 per second).
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000;
  } catch {
    return -1;
  }
}

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\ntcplens-bench-maxrss-kb ${u.maxRSS}\ntcplens-bench-cpu-us ${u.userCPUTime + u.systemCPUTime}\ntcplens-bench-main-cpu-us ${mainThreadCpuUs()}\n`);
});
