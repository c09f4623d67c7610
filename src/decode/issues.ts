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

export interface DecodeIssue {
  kind: IssueKind;
  layer: Layer;
  detail: string;
}
