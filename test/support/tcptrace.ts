/**
 * Reads `tcptrace -l` (long) output, with -r's RTT lines when present: one record per "TCP
 * connection N:" block, its hosts, and each two-column statistic line as [a→b, b→a] strings.
 * The format is output.c's StatLineI/StatLineF/StatLineP: "label: value[ unit]" twice per line.
 */
export interface TcptraceConnection {
  index: number;
  hostA: { ip: string; port: number };
  hostB: { ip: string; port: number };
  totalPackets: number;
  complete: string;
  /** Statistic label → [a→b value, b→a value], units dropped ("1460 bytes" → "1460"). */
  stats: Map<string, [string, string]>;
}

/** An address in one spelling: IPv6 expanded to eight 4-digit groups (tcptrace keeps leading zeros). */
export function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = ip.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.toLowerCase().padStart(4, '0')).join(':');
}

function endpoint(s: string): { ip: string; port: number } {
  const at = s.lastIndexOf(':');
  return { ip: canonicalIp(s.slice(0, at)), port: Number(s.slice(at + 1)) };
}

const UNITS = /\s+(bytes|pkts|times|secs|ms|segs|Bps)$/;

export function parseTcptrace(text: string): TcptraceConnection[] {
  const out: TcptraceConnection[] = [];
  const blocks = text.split(/^TCP connection (\d+):$/m);
  for (let i = 1; i + 1 < blocks.length; i += 2) {
    const body = blocks[i + 1] as string;
    const field = (name: string): string => (new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(body)?.[1] ?? '').trim();
    // Hosts are lettered a, b, c, d … across the connections (trace.c NewTTP).
    const hosts = [...body.matchAll(/^\s*host \w+:\s*(.*)$/gm)].map((m) => (m[1] as string).trim());
    const stats = new Map<string, [string, string]>();
    for (const line of body.split('\n')) {
      const m = /^\s+([^:]+?):\s+(.*?)\s+\1:\s+(.*?)\s*$/.exec(line);
      if (m === null) continue;
      stats.set(m[1] as string, [(m[2] as string).replace(UNITS, '').trim(), (m[3] as string).replace(UNITS, '').trim()]);
    }
    out.push({
      index: Number(blocks[i]),
      hostA: endpoint(hosts[0] ?? ''),
      hostB: endpoint(hosts[1] ?? ''),
      totalPackets: Number(field('total packets')),
      complete: field('complete conn'),
      stats,
    });
  }
  return out;
}
