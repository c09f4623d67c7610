/**
 * Damage inside one packet is data, never an exception (etherparse's lax slicing: partial results and the reason they stop). A decoder that cannot go
 * on records why in the reused packet and returns; every layer decoded before it stays valid.
 *
 * - truncated: the bytes end before the layer does (captured length, or a length field of an
 *   outer layer, is shorter than this layer needs): `required` vs `available`;
 * - malformed: a field holds an impossible value: `field` and `value`.
 */

export type IssueKind = 'truncated' | 'malformed';
export type Layer = 'link' | 'vlan' | 'mpls' | 'pppoe' | 'ipv4' | 'ipv6' | 'tcp' | 'tcp-options';
/** Who limited the length, for truncated issues (etherparse's LenSource). */
export type LenSource = 'captured' | 'ip-length' | 'frame-length' | 'header-field';

/** A damaged packet's first issue, as fields, with the sentence made from them (`detail`). */
export type DecodeIssue =
  | {
      kind: 'truncated';
      layer: Layer;
      /** What was being read ("IPv4 packet", "TCP header", …). */
      what: string;
      /** Byte of the frame where it starts. */
      offset: number;
      /** Bytes it needs, and bytes there were. */
      required: number;
      available: number;
      /** What limited the bytes there were. */
      limitedBy: LenSource;
      detail: string;
    }
  | {
      kind: 'malformed';
      layer: Layer;
      /** The field holding an impossible value, and the value. */
      field: string;
      value: number;
      offset: number;
      detail: string;
    };

const LIMITED_BY: Record<LenSource, string> = {
  captured: 'the captured bytes',
  'ip-length': 'the IP length',
  'frame-length': 'the bytes on the wire',
  'header-field': 'a length field',
};

/** The sentence of a truncation: "IPv4 packet at byte 14 of the frame needs 72 bytes; the bytes on the wire leave 64". */
export function truncatedSentence(what: string, offset: number, required: number, available: number, limitedBy: LenSource): string {
  return `${what} at byte ${offset} of the frame needs ${required} bytes; ${LIMITED_BY[limitedBy]} leave ${Math.max(0, available)}`;
}

/** The sentence of an impossible value: "dataOffset 4 at byte 46 of the frame is impossible". */
export function malformedSentence(field: string, value: number, offset: number): string {
  return `${field} ${value} at byte ${offset} of the frame is impossible`;
}
