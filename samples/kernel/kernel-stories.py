#!/usr/bin/env python3
"""Plays one TCP story over loopback with the Linux stack, for record-kernel.sh to capture
(tcpdump) and trace (sock:inet_sock_set_state). Usage: kernel-stories.py STORY PORT

Real sockets everywhere, except the stories that need a client with no TCP socket at all (a
SYN scanner, or a client whose handshake is held open while the listener's queue fills): those
use a raw socket from ports RAW_BASE.. and, so that the kernel does not answer the server's
SYN,ACK to such a port with a RST, a listener on that port whose socket filter drops every
segment. Every story stops before its sockets are torn down: record-kernel.sh stops the capture
and the trace when this script prints "done", then it exits (teardown is not part of the story).
"""
import ctypes
import socket
import struct
import sys
import time

STORY, PORT = sys.argv[1], int(sys.argv[2])
HOST = '127.0.0.1'
RAW_BASE = 50100  # raw-socket client ports: RAW_BASE, RAW_BASE + 1, ... (see <story>.json)
SO_ATTACH_FILTER = 26
SO_DETACH_FILTER = 27
KEEP = []  # sockets and buffers kept alive until the end


def drop_everything(sock):
    """Attaches a classic BPF program `ret #0`: every segment to this socket is dropped (tcp_filter)."""
    insn = ctypes.create_string_buffer(struct.pack('HBBI', 0x06, 0, 0, 0))  # BPF_RET | BPF_K, k = 0
    prog = struct.pack('HxxxxxxQ', 1, ctypes.addressof(insn))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, prog)
    KEEP.append(insn)


def drop_fins(sock):
    """Attaches `ldb [13]; jset #FIN, drop, keep`: segments with FIN are dropped (TCP flags at
    offset 13 of the TCP header, where skb->data points when tcp_filter runs)."""
    prog_bytes = b''.join(struct.pack('HBBI', *i) for i in [(0x30, 0, 0, 13), (0x45, 0, 1, 0x01), (0x06, 0, 0, 0), (0x06, 0, 0, 0xFFFFFFFF)])
    insn = ctypes.create_string_buffer(prog_bytes)
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack('HxxxxxxQ', 4, ctypes.addressof(insn)))
    KEEP.append(insn)


def listener(backlog=16, port=PORT):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, port))
    s.listen(backlog)
    KEEP.append(s)
    return s


def client(syncnt=None):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if syncnt is not None:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, syncnt)
    KEEP.append(c)
    return c


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class RawClient:
    """A TCP 'endpoint' with no socket: sends segments it builds itself, reads the server's."""

    SYN, RST, ACK = 0x02, 0x04, 0x10

    def __init__(self, port, isn):
        guard = listener(1, port)  # the kernel's answer to a SYN,ACK for this port would be a RST
        drop_everything(guard)
        self.port, self.isn, self.srv_isn = port, isn, None
        self.tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
        self.rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
        self.rx.settimeout(0.05)
        KEEP.extend([self.tx, self.rx])

    def send(self, flags, seq, ack=0):
        hdr = struct.pack('!HHIIBBHHH', self.port, PORT, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0)
        pseudo = socket.inet_aton(HOST) + socket.inet_aton(HOST) + struct.pack('!BBH', 0, socket.IPPROTO_TCP, len(hdr))
        hdr = hdr[:16] + struct.pack('!H', checksum(pseudo + hdr)) + hdr[18:]
        self.tx.sendto(hdr, (HOST, 0))

    def syn(self):
        self.send(self.SYN, self.isn)

    def wait_syn_ack(self, timeout=2.0):
        end = time.time() + timeout
        while time.time() < end:
            try:
                pkt = self.rx.recv(65535)
            except socket.timeout:
                continue
            ihl = (pkt[0] & 0x0F) * 4
            sport, dport, seq, ack, _off, flags = struct.unpack('!HHIIBB', pkt[ihl:ihl + 14])
            if sport == PORT and dport == self.port and flags & 0x12 == 0x12:
                self.srv_isn = seq
                return
        raise SystemExit(f'{STORY}: no SYN,ACK for raw port {self.port}')

    def final_ack(self):
        self.send(self.ACK, self.isn + 1, self.srv_isn + 1)


def handshake_close():
    srv = listener()
    c = client()
    c.connect((HOST, PORT))
    s, _ = srv.accept()
    c.sendall(b'GET / HTTP/1.0\r\n\r\n')
    s.recv(100)
    s.sendall(b'HTTP/1.0 200 OK\r\n\r\nhello\n')
    c.recv(100)
    time.sleep(0.05)
    c.close()  # client closes first
    s.recv(100)  # EOF
    s.close()
    time.sleep(0.2)


def refused():
    c = client()
    try:
        c.connect((HOST, PORT))
        raise SystemExit('refused: connected to a port nobody listens on')
    except ConnectionRefusedError:
        pass


def rst_abort():
    srv = listener()
    c = client()
    c.connect((HOST, PORT))
    s, _ = srv.accept()
    c.sendall(b'request that will be aborted')
    s.recv(100)
    s.sendall(b'partial reply')
    c.recv(100)
    time.sleep(0.05)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    c.close()  # SO_LINGER 0: RST
    time.sleep(0.2)


def half_close():
    srv = listener()
    c = client()
    c.connect((HOST, PORT))
    s, _ = srv.accept()
    c.sendall(b'request, then FIN\n')
    c.shutdown(socket.SHUT_WR)
    s.recv(100)
    s.recv(100)  # EOF: the client's FIN
    for i in range(3):
        s.sendall(b'chunk %d sent after the peer\'s FIN\n' % i)
        time.sleep(0.03)
    s.close()
    while c.recv(100):
        pass
    c.close()
    time.sleep(0.2)


def syn_dropped():
    srv = listener()
    drop_everything(srv)  # the listener's socket filter drops every SYN
    c = client(syncnt=2)  # SYN, then 2 retransmissions (1 s, 3 s), then ETIMEDOUT at about 7 s
    try:
        c.connect((HOST, PORT))
        raise SystemExit('syn-dropped: connected through a filter that drops everything')
    except (TimeoutError, socket.timeout, OSError):
        pass


def syn_scan():
    listener()
    raw = RawClient(RAW_BASE, 0x5CA11ED0)
    raw.syn()
    raw.wait_syn_ack()
    time.sleep(3.5)  # the server resends its SYN,ACK at 1 s and 3 s (tcp_synack_retries = 2)


def listen_backlog(abort=False):
    """backlog 2, never accepting: the accept queue is full at three established children
    (sk_acceptq_is_full: ack_backlog > backlog). Two real clients and one raw one fill it; the
    second raw client's final ACK finds no room; a last real client's SYNs are dropped."""
    srv = listener(backlog=2)
    c1, c2 = client(), client()
    c1.connect((HOST, PORT))  # child 1
    c2.connect((HOST, PORT))  # child 2
    a, b = RawClient(RAW_BASE, 0x0A0A0A0A), RawClient(RAW_BASE + 1, 0x0B0B0B0B)
    a.syn()
    a.wait_syn_ack()
    b.syn()
    b.wait_syn_ack()  # both answered: two children, room for one more
    a.final_ack()  # child 3: the queue is now full
    time.sleep(0.1)
    b.final_ack()  # no room: ignored (its SYN,ACK resent later) or, with tcp_abort_on_overflow, RST
    time.sleep(0.2)
    c3 = client(syncnt=1)  # its SYNs are dropped: the accept queue is full (LISTENOVERFLOWS)
    c3.setblocking(False)
    try:
        c3.connect((HOST, PORT))
    except BlockingIOError:
        pass
    time.sleep(3.5)
    KEEP.append(srv)
    _ = abort  # the difference is the netns sysctl net.ipv4.tcp_abort_on_overflow (record-kernel.sh)


def fin_lost():
    """The server's socket drops the client's first FIN(s) for 0.5 s: the client resends it."""
    srv = listener()
    c = client()
    c.connect((HOST, PORT))
    s, _ = srv.accept()
    drop_fins(s)
    c.sendall(b'request, then FIN\n')
    s.recv(100)
    c.close()
    time.sleep(0.5)
    s.setsockopt(socket.SOL_SOCKET, SO_DETACH_FILTER, 0)
    s.settimeout(5)
    s.recv(100)  # EOF once a resent FIN gets through
    s.close()
    time.sleep(0.3)


def syn_ack_lost():
    """The client's socket drops everything for 0.5 s: the first SYN,ACK is lost; resends follow."""
    srv = listener()
    c = client()
    drop_everything(c)
    c.setblocking(False)
    try:
        c.connect((HOST, PORT))
    except BlockingIOError:
        pass
    time.sleep(0.5)
    c.setsockopt(socket.SOL_SOCKET, SO_DETACH_FILTER, 0)
    c.setblocking(True)
    c.settimeout(5)
    while c.connect_ex((HOST, PORT)) not in (0, 106):  # EISCONN once established
        time.sleep(0.05)
    s, _ = srv.accept()
    c.sendall(b'hello')
    s.recv(100)
    time.sleep(0.05)
    c.close()
    s.recv(100)
    s.close()
    time.sleep(0.3)


def tfo():
    srv = listener()
    srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 5)
    for n in range(2):  # the first asks for a cookie; the second carries data on its SYN
        c = client()
        c.sendto(b'GET /%d HTTP/1.0\r\n\r\n' % n, socket.MSG_FASTOPEN, (HOST, PORT))
        s, _ = srv.accept()
        s.recv(100)
        s.sendall(b'HTTP/1.0 200 OK\r\n\r\n')
        c.recv(100)
        time.sleep(0.05)
        c.close()
        s.recv(100)
        s.close()
        time.sleep(0.2)


def zero_window():
    """The server's socket has a small receive buffer (SO_RCVBUF 4096, set on the listener so the
    child inherits it) and reads nothing for 1.5 s while the client sends 64 KiB: its window
    closes, the client's persist timer probes it, then the server reads everything and the
    window opens; the client closes, then the server."""
    import threading
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    srv.bind((HOST, PORT))
    srv.listen(4)
    KEEP.append(srv)
    c = client()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    c.connect((HOST, PORT))
    s, _ = srv.accept()

    def send_all():
        c.sendall(b'x' * 65536)
        c.close()

    sender = threading.Thread(target=send_all)
    sender.start()
    time.sleep(1.5)  # the reader is stuck: the window stays shut
    while s.recv(65536):
        pass
    sender.join()
    s.close()
    time.sleep(0.3)


STORIES = {
    'zero-window': zero_window,
    'handshake-close': handshake_close,
    'refused': refused,
    'rst-abort': rst_abort,
    'half-close': half_close,
    'syn-dropped': syn_dropped,
    'syn-scan': syn_scan,
    'listen-backlog': listen_backlog,
    'listen-backlog-abort': lambda: listen_backlog(abort=True),
    'tfo': tfo,
    'fin-lost': fin_lost,
    'syn-ack-lost': syn_ack_lost,
}

if STORY not in STORIES:
    raise SystemExit(f'unknown story {STORY}; one of: {", ".join(STORIES)}')
STORIES[STORY]()
print('done', flush=True)
# record-kernel.sh stops tcpdump and the trace, then closes stdin: only then are the sockets torn down.
sys.stdin.read()
