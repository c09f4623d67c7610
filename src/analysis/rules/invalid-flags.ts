import { TcpFlag } from '../../decode/fields.js';
import { formatFlags } from '../../decode/format.js';
import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'invalid-flags',
  severity: 'warning',
  zeek: 'Q/I history letters; TCP_christmas',
  rfc: 'RFC 9293 §3.1, §3.10.7',
  doc: `Set when any of the following is true:
        - SYN and FIN both set
        - SYN and RST both set
        - no flag set at all (a "null" segment)
        - FIN, PSH and URG set together ("xmas")
        - payload carried without ACK (outside a SYN)`,
  onSegment(ctx) {
    const f = ctx.seg.flags;
    const syn = (f & TcpFlag.SYN) !== 0;
    let what: string | null = null;
    if (syn && (f & TcpFlag.FIN) !== 0) what = 'SYN and FIN together';
    else if (syn && (f & TcpFlag.RST) !== 0) what = 'SYN and RST together';
    else if ((f & 0x1ff) === 0) what = 'no flags at all (null segment)';
    else if ((f & (TcpFlag.FIN | TcpFlag.PSH | TcpFlag.URG)) === (TcpFlag.FIN | TcpFlag.PSH | TcpFlag.URG)) what = 'FIN, PSH and URG together (xmas)';
    else if (!syn && (f & TcpFlag.ACK) === 0 && (f & TcpFlag.RST) === 0 && ctx.seg.len > 0) what = 'payload without ACK';
    if (what !== null) ctx.report(ctx.seg.frame, ctx.side, `the ${ctx.side} sent ${formatFlags(f)}: ${what}`);
  },
});
