/** Child of bench.ts: pcap-parser alone counting packets, fed 1 MiB chunks (the baseline). */
import { createReadStream } from 'node:fs';
import { parse } from 'pcap-parser';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: pcap-parser-count.js FILE');
let n = 0;
const parser = parse(createReadStream(file, { highWaterMark: 1 << 20 }));
parser.on('packet', () => {
  n++;
});
parser.on('end', () => process.stdout.write(`${n}\n`));
