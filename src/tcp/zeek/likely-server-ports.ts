/**
 * TCP ports in Zeek's `likely_server_ports` with its default scripts loaded: each base
 * protocol script adds the ports it registers its analyzer for (`redef likely_server_ports
 * += { ports }`, e.g. base/protocols/http/main.zeek: 80, 81, 631, 1080, 3128, 8000, 8080, 8888).
 * Zeek uses them to decide who the originator is when a connection starts without a pure SYN.
 */
const PORTS = new Set<number>([
  21, 2811, // FTP
  22, // SSH
  23, // Telnet (login analyzer)
  25, 587, // SMTP
  53, // DNS
  80, 81, 631, 1080, 3128, 8000, 8080, 8888, // HTTP
  88, // Kerberos
  110, // POP3
  135, // DCE-RPC
  139, 445, // SMB
  143, // IMAP
  389, 3268, // LDAP
  443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223, // SSL/TLS
  502, // Modbus
  1883, // MQTT
  3306, // MySQL
  3389, // RDP
  5222, 5269, // XMPP
  5432, // PostgreSQL
  6379, // Redis
  6666, 6667, 6668, 6669, // IRC
  20000, // DNP3
]);

export function isLikelyServerPort(port: number): boolean {
  return PORTS.has(port);
}
