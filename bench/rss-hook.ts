/** Loaded with --import into a measured child: reports its peak RSS on stderr at exit. */
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\ntcplens-bench-maxrss-kb ${u.maxRSS}\ntcplens-bench-cpu-us ${u.userCPUTime + u.systemCPUTime}\n`);
});
