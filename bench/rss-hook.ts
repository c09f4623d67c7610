/** Loaded with --import into a measured child: reports its peak RSS on stderr at exit. */
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\ntcplens-bench-maxrss-kb ${process.resourceUsage().maxRSS}\n`);
});
