/**
 * File-level damage: the one error class the capture stage throws or returns.
 *
 * Damage inside a packet is never an error here: decoders record a DecodeIssue and go on
 * (see decode/issues.ts). A CaptureFormatError ends the file; the frames read before it
 * stay valid and are kept by the caller.
 */

export type CaptureErrorCode =
  | 'EMPTY_FILE'
  | 'BAD_MAGIC'
  | 'UNSUPPORTED_FORMAT'
  | 'TRUNCATED_FILE_HEADER'
  | 'UNSUPPORTED_VERSION'
  | 'RESERVED_LINKTYPE_BITS'
  | 'BAD_RECORD_LENGTH'
  | 'BAD_BLOCK_LENGTH'
  | 'BLOCK_LENGTH_MISMATCH'
  | 'MALFORMED_BLOCK'
  | 'UNKNOWN_INTERFACE'
  | 'BAD_GZIP'
  | 'READ_FAILED';

export type CaptureWarningCode =
  | 'TRUNCATED_RECORD'
  | 'TRUNCATED_BLOCK'
  /** The gzip stream ends before its trailer (CRC and size): the file was cut while being written or copied. */
  | 'TRUNCATED_GZIP'
  | 'CAPLEN_EXCEEDS_SNAPLEN'
  | 'INVALID_TIMESTAMP'
  | 'UNSUPPORTED_LINKTYPE'
  /** Frames the capture holds twice (duplicate-frames.ts): one warning for them all, at the first. */
  | 'DUPLICATE_FRAMES';

/** Offsets are byte offsets from the start of the (decompressed) capture stream. */
export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
  constructor(
    readonly code: CaptureErrorCode,
    readonly fileOffset: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CaptureWarning {
  readonly code: CaptureWarningCode;
  readonly fileOffset: number;
  readonly message: string;
}

/** Warnings about the capture as a whole (a link type), not about bytes at an offset. */
const WHOLE_CAPTURE: ReadonlySet<string> = new Set<CaptureWarningCode>(['UNSUPPORTED_LINKTYPE']);

/** Whether a warning is about the capture as a whole: it has no byte offset to show. */
export function isWholeCapture(code: string): boolean {
  return WHOLE_CAPTURE.has(code);
}

/** `0x1f40 (8000)`: offsets are printed in hex, as hex dumps show them, and in decimal. */
export function formatOffset(offset: number): string {
  return `0x${offset.toString(16)} (${offset})`;
}

/**
 * Where an offset is, for a person: `at byte 24`. In a gzip'd capture the reader's offsets count
 * the decompressed bytes (`zcat FILE | xxd` finds them), and it says so. `offset` as it is to be
 * shown (a number, or formatOffset's text).
 */
export function atByte(offset: number | string, gzip: boolean): string {
  return `at byte ${offset}${gzip ? ' of the decompressed capture' : ''}`;
}

/** One line for a person: `FILE: at byte 0x18 (24): what was wrong` (see atByte). */
export function describeAt(file: string, offset: number, message: string, gzip = false): string {
  return `${file}: ${atByte(formatOffset(offset), gzip)}: ${message}`;
}
