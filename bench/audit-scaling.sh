#!/usr/bin/env bash
# Figures for audit --queue: the same N captures (copies of ../shared/corpus and samples/) audited
# with the local pool and with 1, 2 and 4 `tcplens worker` processes (--jobs 1 each) on a Redis of
# its own; files/s, MB/s, and the result tables compared with a query.
# Usage: bench/audit-scaling.sh [N] [WORKDIR] [corpus|generated]  (generated: N captures of 4,000
# refused connections each, from bench/generate-many.ts; needs npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}; W=${2:-/tmp/tcplens-audit-scaling}; KIND=${3:-corpus}
CLI="node dist/src/cli/main.js"
rm -rf "$W"; mkdir -p "$W/caps"
if [ "$KIND" = generated ]; then
  node -e '
    import("./dist/bench/generate-many.js").then(({ generateManyConnections }) => {
      for (let i = 0; i < Number(process.argv[1]); i++)
        generateManyConnections(`${process.argv[2]}/${String(i).padStart(3, "0")}-many.pcap`, 4000, 200 + i, "refused");
    });' "$N" "$W/caps"
  src=(generated)
else
mapfile -t src < <($CLI audit ../shared/corpus samples -f ndjson 2>/dev/null | node -e '
  let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
    for (const l of s.trim().split("\n")) { const r = JSON.parse(l); if (r.type === "file" && r.error === null) console.log(r.file); }
  });')
for ((i = 0; i < N; i++)); do f=${src[$((i % ${#src[@]}))]}; cp "$f" "$W/caps/$(printf %03d $i)-$(basename "$f")"; done
fi
MB=$(du -sb "$W/caps" | awk '{print $1 / 1e6}')
echo "$N captures, $MB MB (from ${#src[@]} distinct readable ones)"
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
report() { awk -v n="$N" -v mb="$MB" -v s="$2" -v l="$1" 'BEGIN { printf "%-22s %6.2f s  %7.1f files/s  %6.2f MB/s\n", l, s, n / s, mb / s }'; }
report "local pool (--jobs 2)" "$(secs $CLI audit "$W/caps" --jobs 2 --db "$W/local.duckdb")"
for k in 1 2 4; do
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null & rp=$!
  until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
  pids=()
  for ((j = 0; j < k; j++)); do $CLI worker --queue "redis://127.0.0.1:$port" --jobs 1 2>/dev/null & pids+=($!); done
  sleep 2 # the workers connect (not timed)
  report "queue, $k worker$([ $k = 1 ] || echo s)" "$(secs $CLI audit "$W/caps" --queue "redis://127.0.0.1:$port" --db "$W/queue-$k.duckdb")"
  kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true; kill $rp; wait $rp 2>/dev/null || true
done
for k in 1 2 4; do
  for t in files connections anomalies; do
    cols='*'; [ $t = files ] && cols='* EXCLUDE (host, audited_at, seconds)'
    n=$($CLI query "$W/local.duckdb" "ATTACH '$W/queue-$k.duckdb' AS q (READ_ONLY); SELECT (SELECT count(*) FROM (SELECT $cols FROM $t EXCEPT ALL SELECT $cols FROM q.$t)) + (SELECT count(*) FROM (SELECT $cols FROM q.$t EXCEPT ALL SELECT $cols FROM $t)) AS differing, (SELECT count(*) FROM $t) AS local_rows" -f csv | tail -1)
    echo "queue-$k vs local, $t: differing rows, local rows = $n"
  done
done
