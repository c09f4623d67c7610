#!/usr/bin/env bash
# Records the kernel-traced samples: each story of kernel-stories.py runs in a network
# namespace of its own (its lo, its sysctls: nothing outside it changes) while tcpdump captures
# lo and the tracepoint sock:inet_sock_set_state records every TCP state change of the story's
# port (a tracefs instance of its own, filtered on the port, so nothing else is touched).
# Needs root, tcpdump, python3, unshare, and tracefs (mounted here if absent).
# Usage: samples/kernel/record-kernel.sh [STORY...]
#   writes samples/kernel/<story>.pcap, <story>.trace (the kernel's own text) and <story>.json
set -euo pipefail
cd "$(dirname "$0")"
T=/sys/kernel/tracing
[ -d "$T/events" ] || mount -t tracefs nodev "$T"
[ -d "$T/events/sock/inet_sock_set_state" ] || { echo "no sock:inet_sock_set_state tracepoint" >&2; exit 1; }

port_of() {
  case "$1" in
    handshake-close) echo 47201 ;; refused) echo 47202 ;; rst-abort) echo 47203 ;; half-close) echo 47204 ;;
    syn-dropped) echo 47205 ;; syn-scan) echo 47206 ;; listen-backlog) echo 47207 ;; listen-backlog-abort) echo 47208 ;;
    tfo) echo 47209 ;; fin-lost) echo 47210 ;; syn-ack-lost) echo 47211 ;; zero-window) echo 47212 ;; *) echo "unknown story $1" >&2; exit 2 ;;
  esac
}
# Namespace sysctls per story (net.ipv4 TCP settings are per network namespace).
sysctls_of() {
  case "$1" in
    syn-scan) echo "net.ipv4.tcp_synack_retries=2" ;;
    listen-backlog) echo "net.ipv4.tcp_synack_retries=2 net.ipv4.tcp_syncookies=0" ;;
    listen-backlog-abort) echo "net.ipv4.tcp_synack_retries=2 net.ipv4.tcp_syncookies=0 net.ipv4.tcp_abort_on_overflow=1" ;;
    tfo) echo "net.ipv4.tcp_fastopen=3" ;;
    *) echo "" ;;
  esac
}
raw_of() {
  case "$1" in syn-scan) echo "[50100]" ;; listen-backlog | listen-backlog-abort) echo "[50100, 50101]" ;; *) echo "[]" ;; esac
}

record_one() { # runs inside the story's network namespace
  local story=$1 port=$2 inst="$T/instances/tcplens-$1-$$"
  ip link set lo up
  for s in $(sysctls_of "$story"); do sysctl -qw "$s"; done
  mkdir "$inst"
  echo "sport == $port || dport == $port" >"$inst/events/sock/inet_sock_set_state/filter"
  echo 1 >"$inst/events/sock/inet_sock_set_state/enable"
  tcpdump -i lo -s 0 -U --immediate-mode -Z root -w "$story.pcap" "tcp port $port" 2>"/tmp/tcplens-kernel-$story.log" &
  local dump=$!
  for _ in $(seq 50); do grep -q listening "/tmp/tcplens-kernel-$story.log" && break; sleep 0.1; done
  echo 1 >"$inst/tracing_on"
  # The story prints "done" once told; its sockets live until its stdin closes.
  coproc STORY { python3 kernel-stories.py "$story" "$port"; }
  read -r line <&"${STORY[0]}"
  [ "$line" = done ] || { echo "$story: $line" >&2; exit 1; }
  sleep 0.3
  echo 0 >"$inst/tracing_on"
  kill -INT "$dump"; wait "$dump" || true
  grep -v '^#' "$inst/trace" >"$story.trace" || true
  exec {STORY[1]}>&-
  wait "$STORY_PID" || true
  echo 0 >"$inst/events/sock/inet_sock_set_state/enable"
  rmdir "$inst"
  printf '{ "port": %s, "rawClientPorts": %s, "sysctls": "%s" }\n' "$port" "$(raw_of "$story")" "$(sysctls_of "$story")" >"$story.json"
  echo "$story: $(tcpdump -r "$story.pcap" -n 2>/dev/null | wc -l) packets, $(wc -l <"$story.trace") state changes"
}
export -f record_one port_of sysctls_of raw_of
export T

stories=("$@")
[ ${#stories[@]} -gt 0 ] || stories=(handshake-close refused rst-abort half-close syn-dropped syn-scan listen-backlog listen-backlog-abort tfo fin-lost syn-ack-lost zero-window)
for story in "${stories[@]}"; do
  unshare -n bash -c "record_one $story $(port_of "$story")"
done
