/**
 * Writes the capture of issue 12: a classic pcap of nothing but empty records (16-byte headers,
 * captured and original length 0), a thousand per second of capture time. 1 GiB holds 67 M.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export function generateEmptyRecords(file: string, records: number): void {
  const fd = openSync(file, 'w');
  try {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(1, 20); // Ethernet
    writeSync(fd, header);
    const batch = Buffer.alloc(16 * 65536);
    for (let i = 0; i < records; ) {
      const n = Math.min(65536, records - i);
      for (let k = 0; k < n; k++, i++) {
        batch.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), 16 * k);
        batch.writeUInt32LE((i % 1000) * 1000, 16 * k + 4);
      }
      writeSync(fd, batch, 0, 16 * n);
    }
  } finally {
    closeSync(fd);
  }
}
