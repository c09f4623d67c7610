/**
 * port-scan (capture-scoped): one source, many destination ports, mostly refused or unanswered.
 * Captures crafted with our writer; the corpus's nmap SYN scan is checked too.
 */
import { Conversation } from '../../../samples/conversation.js';
import { corpusPath, HAVE_CORPUS } from '../../support/corpus.js';
import { captureRuleCases } from './capture-tester.js';
import { crafted } from './crafted-capture.js';

/** One source to `ports` ports of one host, each SYN answered by a RST (closed) or completed (open). */
const probe = (ports: number, answer: 'refused' | 'open', hosts = 1) =>
  crafted((out, clock) => {
    for (let p = 1; p <= ports; p++) {
      const c = new Conversation(out, clock, { ip: '198.51.100.9', port: answer === 'open' ? 50000 + p : 50000, isn: p * 1000 }, { ip: `192.0.2.${5 + (p % hosts)}`, port: p, isn: 0 });
      if (answer === 'open') c.handshake(0.001);
      else {
        c.send('C', 'SYN', { dt: 0.001 });
        c.send('S', 'RST,ACK', { dt: 0.0001 });
      }
    }
  });

captureRuleCases('port-scan', {
  valid: [
    { name: 'one client to 60 services that all answer', capture: probe(60, 'open'), expect: [] },
    { name: '49 refused ports: below --port-scan-min-ports', capture: probe(49, 'refused'), expect: [] },
  ],
  invalid: [
    {
      name: 'one source, 60 ports, all refused',
      capture: probe(60, 'refused'),
      expect: ['null@1'],
      details: [/^198\.51\.100\.9 tried 60 distinct destination ports on 1 host\(s\); 100 % of 60 attempts were refused or unanswered \(thresholds 50 ports, 80 %\)$/],
    },
    {
      name: 'one source, 60 ports spread over 20 hosts: the hosts are counted up to 16',
      capture: probe(60, 'refused', 20),
      expect: ['null@1'],
      details: [/ on more than 16 host\(s\)/],
    },
    ...(HAVE_CORPUS
      ? [{ name: 'the corpus nmap SYN scan (chrissanders synscan.pcapng) is one port scan', capture: corpusPath('chrissanders-packets/synscan.pcapng'), expect: ['null@1'], details: [/^172\.16\.0\.8 tried \d{3,4} distinct destination ports/] }]
      : []),
  ],
});
