/**
 * Every protocol number and byte offset the decoders use, by name (smoltcp's
 * `mod field`). No protocol literal appears in logic outside this file.
 */

/** LINKTYPE_* values (https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW on most BSDs. */
  RAW_12: 12,
  /** DLT_RAW on OpenBSD. */
  RAW_14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  IPOIB: 242,
  LINUX_SLL2: 276,
} as const;

export const LINKTYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'NULL',
  1: 'EN10MB',
  12: 'RAW',
  14: 'RAW',
  101: 'RAW',
  108: 'LOOP',
  113: 'LINUX_SLL',
  127: 'IEEE802_11_RADIOTAP',
  228: 'IPV4',
  229: 'IPV6',
  239: 'NFLOG',
  242: 'IPOIB',
  253: 'NETLINK',
  276: 'LINUX_SLL2',
};

export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  IPv6: 0x86dd,
  MPLS_UNICAST: 0x8847,
  MPLS_MULTICAST: 0x8848,
  PPPOE_SESSION: 0x8864,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  /** Values up to 1500 are IEEE 802.3 lengths, not EtherTypes. */
  MAX_8023_LENGTH: 1500,
} as const;

export const IpProto = {
  HOPOPTS: 0,
  TCP: 6,
  UDP: 17,
  ROUTING: 43,
  FRAGMENT: 44,
  ESP: 50,
  AH: 51,
  NONE: 59,
  DSTOPTS: 60,
} as const;

/** PPP protocol numbers (RFC 1661) seen inside PPPoE sessions. */
export const PppProto = { IPv4: 0x0021, IPv6: 0x0057 } as const;

/** Address families in DLT_NULL / DLT_LOOP headers (per OS, from libpcap's pcap/dlt.h notes). */
export const AddressFamily = {
  INET: 2,
  INET6_LINUX: 10,
  INET6_BSD: 24,
  INET6_FREEBSD: 28,
  INET6_DARWIN: 30,
} as const;

/** Linux ARPHRD_* values whose SLL "protocol" field is not an EtherType. */
export const Arphrd = { NETLINK: 824 } as const;

export const ETHERNET = { DST: 0, SRC: 6, TYPE: 12, HEADER_LEN: 14 } as const;
/** 802.1Q / 802.1ad tag after the TPID: TCI(2) then the inner EtherType(2). */
export const VLAN = { TCI: 0, TYPE: 2, TAG_LEN: 4, VID_MASK: 0x0fff, MAX_TAGS: 8 } as const;
export const MPLS = { LABEL_LEN: 4, BOTTOM_OF_STACK: 0x01, BOS_BYTE: 2, MAX_LABELS: 16 } as const;
export const PPPOE = { HEADER_LEN: 6, PPP_PROTO_LEN: 2 } as const;
export const SLL = { HATYPE: 2, PROTOCOL: 14, HEADER_LEN: 16 } as const;
export const SLL2 = { PROTOCOL: 0, HATYPE: 8, HEADER_LEN: 20 } as const;
export const NULL_HEADER_LEN = 4;
/** LINKTYPE_IPOIB: destination(20) source(20) EtherType(2) reserved(2), as tcpdump's print-ipoib.c. */
export const IPOIB = { TYPE: 40, HEADER_LEN: 44 } as const;
/** LINKTYPE_NFLOG: family(1) version(1) resource id(2), then TLVs length(2) type(2) in host order. */
export const NFLOG = { FAMILY: 0, HEADER_LEN: 4, TLV_HEADER_LEN: 4, TLV_PAYLOAD: 9 } as const;

/** RFC 791 §3.1. */
export const IPV4 = {
  VERSION_IHL: 0,
  TOTAL_LEN: 2,
  ID: 4,
  FLAGS_FRAGMENT: 6,
  TTL: 8,
  PROTOCOL: 9,
  SRC: 12,
  DST: 16,
  MIN_LEN: 20,
  MORE_FRAGMENTS: 0x2000,
  FRAGMENT_OFFSET_MASK: 0x1fff,
} as const;

/** RFC 8200 §3, §4. */
export const IPV6 = {
  PAYLOAD_LEN: 4,
  NEXT_HEADER: 6,
  HOP_LIMIT: 7,
  SRC: 8,
  DST: 24,
  HEADER_LEN: 40,
  ADDR_LEN: 16,
  EXT_MIN_LEN: 8,
  FRAGMENT_HEADER_LEN: 8,
  FRAGMENT_OFFSET: 2,
  MORE_FRAGMENTS: 0x0001,
} as const;

/** RFC 9293 §3.1, Figure 1. */
export const TCP = {
  SRC_PORT: 0,
  DST_PORT: 2,
  SEQ: 4,
  ACK: 8,
  DATA_OFFSET: 12,
  FLAGS: 13,
  WINDOW: 14,
  CHECKSUM: 16,
  URGENT: 18,
  MIN_LEN: 20,
  MIN_DATA_OFFSET: 5,
} as const;

/** The TCP flag field: RFC 9293 §3.1 control bits, plus NS (RFC 3540) and the reserved bits. */
export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
  /** Bits 4-6 of byte 12 (RFC 9293: reserved). */
  RESERVED: 0xe00,
} as const;

/** TCP option kinds (IANA "TCP Option Kind Numbers"); lengths include kind and length bytes. */
export const TcpOption = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  MSS_LEN: 4,
  WSCALE: 3,
  WSCALE_LEN: 3,
  SACK_PERMITTED: 4,
  SACK_PERMITTED_LEN: 2,
  SACK: 5,
  SACK_BLOCK_LEN: 8,
  MAX_SACK_BLOCKS: 4,
  TIMESTAMP: 8,
  TIMESTAMP_LEN: 10,
  /** RFC 7413 §4.1.1: TCP Fast Open cookie (length 2 = a cookie request), and its experimental form (kind 254, ExID 0xF989; RFC 6994). */
  TFO: 34,
  EXPERIMENTAL: 254,
  TFO_EXID: 0xf989,
} as const;
