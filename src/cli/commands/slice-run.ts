/**
 * `tcplens slice`, run: two passes over the capture (pipeline.ts selectFrames, copyFrames):
 * the engine marks the selected connections' frames in a bitset, then their records are
 * copied byte for byte with the file's own header blocks. Standard input is spooled to a
 * temporary file first, since it cannot be read twice.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { ANOMALY_IDS } from '../../analysis/anomaly-ids.js';
import { copyFrames, selectFrames } from '../../pipeline.js';
import { plural } from '../../report/plural.js';
import { progressBar, readFilter, refusedInput } from '../common.js';
import { ExitCode } from '../output.js';
import { reportCaptureProblems } from '../report-errors.js';
import { inputArg } from '../stdin.js';
import { UsageError } from '../usage.js';
import { engineOptions, type SliceArgs } from './args.js';

export async function slice(args: SliceArgs): Promise<number> {
  const filter = readFilter(args, ANOMALY_IDS);
  const input = inputArg(args.file);
  const output = inputArg(args.output);
  if (refusedInput(input)) return ExitCode.UNREADABLE;
  if (output === '') throw new UsageError('-o needs a file name, or - for standard output');
  if (input !== '-' && output !== '-' && resolve(input) === resolve(output)) throw new UsageError(`-o ${args.output} is the input itself; write the slice elsewhere`);
  let spool: string | null = null;
  let source = input;
  try {
    if (input === '-') {
      spool = mkdtempSync(join(tmpdir(), 'tcplens-slice-'));
      source = join(spool, 'stdin');
      await pipeline(process.stdin, createWriteStream(source));
    }
    const progress = progressBar();
    const selection = await selectFrames(source, input, filter, engineOptions(args));
    progress.stop();
    const decode = selection.result.decode;
    // Nothing could be read (a missing file, not a capture): its error only, and no output file.
    if (decode.error !== null && decode.info.format === null) {
      reportCaptureProblems(decode);
      return ExitCode.UNREADABLE;
    }
    const { stream, done } = openSliceOutput(output);
    let blocked: Promise<void> | null = null;
    const copy = await copyFrames(
      source,
      input,
      selection.frames,
      (bytes) => {
        if (!stream.write(bytes) && blocked === null) blocked = new Promise((r) => stream.once('drain', () => ((blocked = null), r())));
      },
      () => blocked ?? undefined,
    );
    stream.end();
    await done;
    reportCaptureProblems(decode);
    const where = output === '-' ? 'standard output' : output;
    const what = `${plural(copy.packets, 'frame')} of ${plural(selection.connections, 'TCP connection')}`;
    process.stderr.write(selection.connections === 0 ? `tcplens: no connection matched; ${where} holds the capture's header blocks only\n` : `tcplens: wrote ${what} to ${where}\n`);
    return decode.error !== null ? ExitCode.UNREADABLE : ExitCode.OK;
  } finally {
    if (spool !== null) rmSync(spool, { recursive: true, force: true });
  }
}

/** Standard output, or the file, gzip-compressed when its name ends in .gz; `done` settles when all is written. */
function openSliceOutput(output: string): { stream: Writable; done: Promise<void> } {
  if (output === '-') {
    const stream = process.stdout;
    return { stream, done: new Promise((r) => stream.write('', () => r())) };
  }
  const file = createWriteStream(output);
  if (!output.toLowerCase().endsWith('.gz')) return { stream: file, done: new Promise((r, j) => file.on('close', r).on('error', j)) };
  const gzip = createGzip();
  return { stream: gzip, done: pipeline(gzip, file) };
}
