/** Child of bench.ts: reads and decodes a capture, doing nothing with the packets. */
import { decodeCapture } from '../src/pipeline.js';
import { readCapture } from '../src/capture/open-capture.js';

const [mode, file, threads] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: decode-only.js decode|read FILE [READ_THREADS]');
const read = threads === undefined ? {} : { readThreads: Number(threads) };
let n = 0;
const result =
  mode === 'read'
    ? await readCapture(
        file,
        {
          onFrame() {
            n++;
          },
        },
        file,
        read,
      )
    : await decodeCapture(file, {
        onPacket() {
          n++;
        },
        read,
      });
if (result.error) throw result.error;
process.stdout.write(`${n}\n`);
