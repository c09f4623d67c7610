import { describe, expect, test } from 'vitest';
import { parseIpv6 } from '../../src/craft/packet-builder.js';
import { formatFlags, formatFlagsTcpdump, formatIpv4, formatIpv6 } from '../../src/decode/format.js';

describe('RFC 5952 text form of IPv6 addresses', () => {
  test.each([
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'], // §4.2.1: shorten the longest run
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2: a single 0 group stays
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // §4.2.3: the longest run wins
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // §4.2.3: the first of equal runs wins
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['2001:DB8:0:0:0:0:0:AAAA', '2001:db8::aaaa'], // §4.3: lower case
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'], // §5: IPv4-mapped
  ])('%s → %s', (input, text) => {
    expect(formatIpv6(Uint8Array.from(parseIpv6(input)))).toBe(text);
  });
});

describe('flags and addresses', () => {
  test('formatFlags names control bits in the order people say them', () => {
    expect(formatFlags(0x012)).toBe('SYN,ACK');
    expect(formatFlags(0x011)).toBe('FIN,ACK');
    expect(formatFlags(0x1c2)).toBe('SYN,ECE,CWR,NS');
    expect(formatFlags(0)).toBe('none');
    expect(formatFlags(0x802)).toBe('SYN,RES(0x800)');
  });

  test('formatFlagsTcpdump uses tcpdump letters', () => {
    expect(formatFlagsTcpdump(0x012)).toBe('S.');
    expect(formatFlagsTcpdump(0x018)).toBe('P.');
    expect(formatFlagsTcpdump(0x0c2)).toBe('SEW');
  });

  test('formatIpv4 reads an unsigned 32-bit address', () => {
    expect(formatIpv4(0xc0000201)).toBe('192.0.2.1');
    expect(formatIpv4(0xffffffff)).toBe('255.255.255.255');
  });
});
