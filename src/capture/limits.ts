/**
 * Hard limits that protect memory from absurd lengths in damaged files.
 *
 * 262144 is libpcap's MAXIMUM_SNAPLEN and Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD: the
 * largest packet either will read. A record announcing more is damage, not a big packet.
 */
export const MAX_RECORD_CAPLEN = 262_144;
/** A pcapng block that is not a packet (NRB, custom, …) may be large, but not this large. */
export const MAX_BLOCK_LEN = 16 * 1024 * 1024;
/** Read the file in chunks this large (pcap-parser runs ~1.7x faster on 1 MiB chunks than on 64 KiB ones). */
export const READ_CHUNK_SIZE = 1 << 20;
/** Warnings kept per file; beyond this they are counted, not stored. */
export const MAX_WARNINGS = 100;
