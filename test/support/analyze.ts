import { analyzeCapture, type AnalyzeOptions, type AnalyzeResult } from '../../src/pipeline.js';
import type { CaptureSource } from '../../src/capture/open-capture.js';

/** Runs the whole pipeline over a capture and keeps every connection record. */
export function analyze(source: CaptureSource, name = typeof source === 'string' ? source : '<stream>', options: Partial<AnalyzeOptions> = {}): Promise<AnalyzeResult> {
  return analyzeCapture(source, name, options, { collect: true });
}
