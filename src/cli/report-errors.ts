import { describeAt, isWholeCapture } from '../capture/errors.js';
import type { CaptureResult } from '../capture/open-capture.js';
import type { TrackerWarning } from '../tcp/tracker.js';

/**
 * Prints a capture's warnings and error to stderr, each naming the file and the byte offset,
 * then the analysis's warnings (tracker limits), which name the file and a frame.
 */
export function reportCaptureProblems(result: CaptureResult, analysisWarnings: readonly TrackerWarning[] = [], err: NodeJS.WritableStream = process.stderr): void {
  for (const w of result.warnings) {
    err.write(`tcplens: warning: ${isWholeCapture(w.code) ? `${result.name}: ${w.message}` : describeAt(result.name, w.fileOffset, w.message, result.info.gzip)}\n`);
  }
  for (const w of analysisWarnings) err.write(`tcplens: warning: ${result.name}: ${w.message}\n`);
  if (result.warningCount > result.warnings.length) {
    err.write(`tcplens: warning: ${result.name}: ${result.warningCount - result.warnings.length} more warnings not shown\n`);
  }
  if (result.error && result.error.code === 'READ_FAILED' && result.packets === 0 && result.error.fileOffset === 0) {
    // The file could not be opened or read at all: its message is the whole story.
    err.write(`tcplens: error: ${result.name}: ${result.error.message}\n`);
  } else if (result.error) {
    const e = result.error;
    err.write(`tcplens: error: ${describeAt(result.name, e.fileOffset, e.message, result.info.gzip)} [${e.code}]\n`);
    err.write(`tcplens: ${result.name}: ${result.packets} packet${result.packets === 1 ? '' : 's'} read before the error\n`);
  }
}
