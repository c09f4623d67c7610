/**
 * The composition root: capture → decode (→ tcp → analysis → report, as those stages land).
 * The only file that knows every stage (STYLE 2.2).
 */
import type { CaptureWarning } from './capture/errors.js';
import { Frame, type InterfaceInfo } from './capture/frame.js';
import { type CaptureResult, type CaptureSource, readCapture } from './capture/open-capture.js';
import { decodeInto } from './decode/decoder.js';
import { LINKTYPE_NAMES } from './decode/fields.js';
import { isSupportedLinkType } from './decode/link.js';
import { DecodedPacket } from './decode/packet.js';

export interface DecodeHooks {
  /** Called for every frame with the reused frame and decoded packet (valid during the call). */
  onPacket(frame: Frame, packet: DecodedPacket): void;
  /** Called between chunks; a returned promise pauses reading. */
  afterChunk?(): Promise<void> | void;
}

export interface DecodeResult extends CaptureResult {
  /** Frames whose transport header was TCP. */
  tcpPackets: number;
  /** IP fragments after the first (they carry no transport header). */
  laterFragments: number;
  /** Packets whose decoding stopped at damage. */
  damagedPackets: number;
}

export function linkTypeName(linkType: number): string {
  return LINKTYPE_NAMES[linkType] ?? `LINKTYPE ${linkType}`;
}

/** Reads and decodes a capture, frame by frame. Never throws for bad input (see result.error). */
export async function decodeCapture(source: CaptureSource, hooks: DecodeHooks, name?: string): Promise<DecodeResult> {
  const packet = new DecodedPacket();
  const unsupported: CaptureWarning[] = [];
  let tcpPackets = 0;
  let laterFragments = 0;
  let damagedPackets = 0;
  const result = await readCapture(
    source,
    {
      onInterface(iface: InterfaceInfo): void {
        if (!isSupportedLinkType(iface.linkType)) {
          unsupported.push({
            code: 'UNSUPPORTED_LINKTYPE',
            fileOffset: 0,
            message: `interface ${iface.id}${iface.section > 1 ? ` of section ${iface.section}` : ''} has link type ${iface.linkType} (${linkTypeName(iface.linkType)}), which tcplens does not decode; its frames are read without IP or TCP fields`,
          });
        }
      },
      onFrame(frame: Frame): void {
        if (decodeInto(frame, packet)) tcpPackets++;
        if (packet.fragment === 2) laterFragments++;
        if (packet.issueKind !== null) damagedPackets++;
        hooks.onPacket(frame, packet);
      },
      ...(hooks.afterChunk ? { afterChunk: hooks.afterChunk } : {}),
    },
    name,
  );
  result.warnings.unshift(...unsupported);
  result.warningCount += unsupported.length;
  return { ...result, tcpPackets, laterFragments, damagedPackets };
}
