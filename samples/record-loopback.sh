#!/usr/bin/env bash
# Records the real-stack samples: each story of loopback-stories.mjs is played over 127.0.0.1
# while tcpdump captures it. Needs root (or CAP_NET_RAW), tcpdump and node.
# Usage: samples/record-loopback.sh   (writes samples/<story>.pcap)
set -euo pipefail
cd "$(dirname "$0")"
port=47100
for story in handshake-close refused rst-abort half-close; do
  port=$((port + 1))
  out="$story.pcap"
  tcpdump -i lo -s 0 -U --immediate-mode -Z root -w "$out" "tcp port $port" 2>"/tmp/tcplens-tcpdump-$story.log" &
  pid=$!
  # Wait until tcpdump is listening, so the SYN is not missed.
  for _ in $(seq 50); do grep -q listening "/tmp/tcplens-tcpdump-$story.log" && break; sleep 0.1; done
  node loopback-stories.mjs "$story" "$port"
  sleep 0.5
  kill -INT "$pid"
  wait "$pid" || true
  echo "$out: $(tcpdump -r "$out" -n 2>/dev/null | wc -l) packets"
done
