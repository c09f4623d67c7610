/**
 * Zeek's warning about checksum offloading (scripts/base/misc/find-checksum-offloading.zeek,
 * loaded by a default `zeek -r`): when more than 5 % of the packets read carried a bad TCP
 * checksum, Zeek reports "Your trace file likely has invalid TCP checksums, most likely from NIC
 * checksum offloading" and names -C. A capture taken on the sending host holds its outgoing
 * segments before the NIC filled their checksums in; Zeek skips every such segment (TCPAnalyzer
 * ValidateChecksum), so its conn_state, history and sizes describe the rest, and tcplens's model
 * of Zeek does the same unless --zeek-ignore-checksums (Zeek's -C).
 *
 * Zeek divides its `bad_TCP_checksum` conn_weird events by all packets received, at 10 s of
 * network time (again while fewer than 20 packets were seen) and at the end; those events are
 * sampled (init-bare.zeek Weird::sampling_threshold 25 a connection, then 1 in 1000), so Zeek
 * stays silent on one long offloaded connection, and `zeek -b` does not load the script.
 * tcplens decides once, at the end, on every segment its model of Zeek skipped for a bad
 * checksum, over every packet of the capture, in every mode: the warning is there to say why
 * the Zeek rows leave those segments out, which holds whatever Zeek's own sampling would say.
 */

/** One of the tracker's warnings about the analysis (tcp/tracker.ts TrackerWarning). */
export interface OffloadingWarning {
  code: 'CHECKSUM_OFFLOADING';
  frame: number;
  message: string;
}

/** find-checksum-offloading.zeek: `bad_tcp_checksum_pct > 0.05`. */
export const OFFLOADING_SHARE = 0.05;

/**
 * The warning, or null. `badChecksums`: segments skipped for a bad checksum; `packets`: every
 * packet of the capture; `firstFrame`: the first skipped segment's frame.
 */
export function checksumOffloadingWarning(badChecksums: number, packets: number, firstFrame: number): OffloadingWarning | null {
  if (packets === 0 || badChecksums / packets <= OFFLOADING_SHARE) return null;
  const share = (100 * badChecksums) / packets;
  // Whole percents, but one decimal (rounded down) near the threshold and short of all.
  const shown = share === 100 ? '100' : share < 10 || share >= 99.5 ? (Math.floor(share * 10) / 10).toFixed(1) : share.toFixed(0);
  return {
    code: 'CHECKSUM_OFFLOADING',
    frame: firstFrame,
    message:
      `${badChecksums} of ${packets} packets (${shown} %, first at frame ${firstFrame}) have an invalid TCP checksum, ` +
      `most likely from NIC checksum offloading on the capturing host: Zeek skips them, so its conn_state, history and sizes ` +
      `(tcplens's too) leave them out; --zeek-ignore-checksums reads them as zeek -C does`,
  };
}
