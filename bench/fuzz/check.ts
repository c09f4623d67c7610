/**
 * What a mutant must survive, run in-process on the same code path as the CLI (yargs with the
 * commands' own builders and run functions; standard output and error go to a sink):
 *   - the exit code is one the README documents for the command (packets, analyze: 0 or 3;
 *     timeline: 0, 2 or 3); a throw out of a command is exit 70, "internal error" — a crash;
 *   - exit 3 comes with `tcplens: error: FILE: at byte 0x…: … [CODE]` on stderr;
 *   - the output parses: every ndjson line, the json document, csv rows as wide as the header,
 *     zeek rows as wide as #fields, an html document that ends;
 *   - a truncated capture keeps, complete, every frame that ended before the cut.
 * Hangs (30 s), memory (1 GB) and uncaught exceptions are the worker's and the runner's watch.
 */
import { Readable } from 'node:stream';
import yargs from 'yargs';
import { readCapture } from '../../src/capture/open-capture.js';
import { analyzeBuilder, runAnalyze, type AnalyzeArgs } from '../../src/cli/commands/analyze.js';
import { packetsBuilder, runPackets, type PacketsArgs } from '../../src/cli/commands/packets.js';
import { runTimeline, timelineBuilder, type TimelineArgs } from '../../src/cli/commands/timeline.js';
import { UsageError } from '../../src/cli/usage.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tcplens ARGV` in this process, its output caught (the commands write to process.stdout). */
export async function runInProcess(argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stderr.write;
  const errorListeners = process.stdout.listeners('error');
  let code = 0;
  try {
    await yargs(argv)
      .command<PacketsArgs>('packets <file>', '', packetsBuilder, async (a) => {
        code = await runPackets(a);
      })
      .command<AnalyzeArgs>('analyze <file>', '', analyzeBuilder, async (a) => {
        code = await runAnalyze(a);
      })
      .command<TimelineArgs>('timeline <file>', '', timelineBuilder, async (a) => {
        code = await runTimeline(a);
      })
      .strict()
      .exitProcess(false)
      .fail((msg, e) => {
        throw e ?? new UsageError(msg);
      })
      .parseAsync();
  } catch (e) {
    if (e instanceof UsageError) {
      code = 2;
      stderr += `tcplens: ${e.message}\n`;
    } else {
      code = 70;
      stderr += `tcplens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`;
    }
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    // LineWriter adds an error listener to stdout per run: take them off again.
    for (const l of process.stdout.listeners('error')) if (!errorListeners.includes(l as never)) process.stdout.removeListener('error', l as never);
  }
  return { code, stdout, stderr };
}

export const ANALYZE_EXTRA_FORMATS = ['text', 'ndjson', 'csv', 'zeek', 'html'] as const;

const ALLOWED: Record<string, number[]> = { packets: [0, 3], analyze: [0, 3], timeline: [0, 2, 3] };

/** Problems with one run's output (empty when it is fine). */
export function checkRun(command: string, format: string, file: string, run: CliRun): string[] {
  const problems: string[] = [];
  if (!(ALLOWED[command] ?? []).includes(run.code)) problems.push(`exit ${run.code} (documented: ${ALLOWED[command]?.join(', ')})`);
  if (/internal error|Unhandled|\n\s+at .*\(/.test(run.stderr)) problems.push(`stderr shows a fault: ${run.stderr.slice(0, 400)}`);
  if (run.code === 3 && !run.stderr.includes(`tcplens: error: ${file}: at byte 0x`)) problems.push(`exit 3 without "error: FILE: at byte …": ${run.stderr.slice(0, 300)}`);
  const lines = run.stdout.split('\n').filter((l) => l !== '');
  try {
    if (format === 'ndjson') for (const l of lines) JSON.parse(l);
    else if (format === 'json' && command === 'analyze') JSON.parse(run.stdout);
    else if (format === 'csv') {
      const width = csvFields(lines[0] ?? '');
      if (width < 2) throw new Error('no csv header');
      lines.forEach((l, i) => {
        if (csvFields(l) !== width) throw new Error(`csv row ${i + 1} has ${csvFields(l)} fields, the header ${width}`);
      });
    } else if (format === 'zeek') {
      const fields = lines.find((l) => l.startsWith('#fields'));
      if (fields === undefined) throw new Error('no #fields line');
      const width = fields.split('\t').length - 1;
      for (const l of lines) if (!l.startsWith('#') && l.split('\t').length !== width) throw new Error(`zeek row of ${l.split('\t').length} fields, #fields has ${width}`);
    } else if (format === 'html') {
      if (!run.stdout.trimEnd().endsWith('</html>')) throw new Error('the html document does not end');
    } else if (format === 'text' && command === 'analyze' && run.stdout.trim() === '') throw new Error('empty text report');
  } catch (e) {
    problems.push(`${format} output does not parse: ${(e as Error).message}`);
  }
  return problems.map((p) => `${command} --format ${format}: ${p}`);
}

/** Fields of one CSV line (RFC 4180 quoting; quoted fields hold no newline in our output). */
function csvFields(line: string): number {
  let n = 1;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) n++;
  }
  return n;
}

/**
 * Frames of `whole` that certainly end at or before `cut`: for pcap a record ends 16 + caplen
 * after it starts; otherwise no later than where the next frame starts (or the file ends).
 */
export async function framesBefore(whole: Buffer, cut: number): Promise<number> {
  const offsets: number[] = [];
  const ends: number[] = [];
  let pcap = false;
  const r = await readCapture(Readable.from([whole]), {
    onFrame(f) {
      offsets.push(f.fileOffset);
      ends.push(f.fileOffset + 16 + f.caplen);
    },
  });
  pcap = r.info.format === 'pcap' || r.info.format === 'pcap-nsec';
  let n = 0;
  for (let i = 0; i < offsets.length; i++) {
    const end = pcap ? (ends[i] as number) : (offsets[i + 1] ?? whole.length);
    if (end <= cut) n = i + 1;
    else break;
  }
  return n;
}

/** The truncation rule: the cut file's frames are the whole file's first frames, at least `required` of them. */
export function checkTruncation(cutLines: string[], wholeLines: string[], required: number): string[] {
  if (cutLines.length < required) return [`truncation: ${cutLines.length} frames read, but ${required} ended before the cut`];
  for (let i = 0; i < cutLines.length; i++) {
    if (cutLines[i] !== wholeLines[i]) return [`truncation: frame ${i + 1} differs from the uncut file's: ${cutLines[i]?.slice(0, 200)} vs ${wholeLines[i]?.slice(0, 200)}`];
  }
  return [];
}
