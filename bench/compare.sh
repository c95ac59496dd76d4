#!/usr/bin/env bash
# Side by side: our sync service vs y-websocket (the peer) doing the same work.
#
#   bench/compare.sh            # defaults: 1000 users x 3 devices, 2000 writes/s, 30 s + 30 s warm-up
#   USERS=100 RATE=500 DURATION=10 WARMUP=5 bench/compare.sh
#   CONNECT_WARMUP=0 bench/compare.sh   # connect figures of freshly started processes
#
# Builds nothing but bench/peer/node_modules (npm ci, when missing): build the jars first with
#   mvn -q -B install -DskipTests
# Runs one after the other (never both servers at once): our jar (fixed secret, embedded store in a
# temp dir) + sync-bench.jar latency, then the y-websocket server + bench/peer/load.js. With PIN=1
# (default when taskset exists and there are >= 2 cores) the server is pinned to core 0 and the
# load client to core 1. Prints one Markdown table; results land in $OUT (bench-out/compare).
# Both of our JVMs run Shenandoah (JAVA_OPTS, as the Dockerfile does): on one core the JVM would
# pick SerialGC, whose pauses then dominate the tail (docs/performance.md); the load client's own
# pauses would count against the server.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
USERS=${USERS:-1000}
DEVICES=${DEVICES:-3}
RATE=${RATE:-2000}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-30}
# Devices of extra users both clients connect and close before the measured connects: the same
# number on both sides. Without it the connect row measures each side's first, interpreted
# connects (mostly the load client's own JVM on ours; docs/performance.md, round 5); 3,000 still
# left our server compiling (500-at-once p99 0.8 s), 12,000 brings it to 0.3-0.4 s (round 6).
CONNECT_WARMUP=${CONNECT_WARMUP:-12000}
MIX=${MIX:-progress=70,watchlist=20,preference=10}
OURS_PORT=${OURS_PORT:-18083}
PEER_PORT=${PEER_PORT:-11234}
OUT=${OUT:-$ROOT/bench-out/compare}
SECRET=${SECRET:-compare-secret-compare-secret-compare-0001}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseShenandoahGC}
APP_JAR=$ROOT/sync-app/target/sync-app.jar
BENCH_JAR=$ROOT/sync-bench/target/sync-bench.jar

for j in "$APP_JAR" "$BENCH_JAR"; do
  [[ -f $j ]] || { echo "missing $j: run 'mvn -q -B install -DskipTests' first" >&2; exit 2; }
done
if [[ ! -d bench/peer/node_modules ]]; then
  (cd bench/peer && npm ci --no-audit --no-fund)
fi

PIN=${PIN:-auto}
if [[ $PIN == auto ]]; then
  if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then PIN=1; else PIN=0; fi
fi
# Arrays, not functions: a function run with & is a subshell, and $! would not be the server.
ON_SERVER=(); ON_CLIENT=()
if [[ $PIN == 1 ]]; then ON_SERVER=(taskset -c 0); ON_CLIENT=(taskset -c 1); fi

SERVER_PID=
DATA_DIR=$(mktemp -d /tmp/sync-compare-XXXXXX)
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

cpu_ms() { # utime+stime of a process, in ms
  awk -v t="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, f, " "); print (f[12] + f[13]) * 1000 / t }' "/proc/$1/stat"
}
# The server's CPU time once its client's log shows LINE (the measured phase starting), into FILE.
cpu_when_logged() { # pid, client log, line prefix, file
  until grep -q "^$3" "$2" 2>/dev/null; do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.05
  done
  cpu_ms "$1" > "$4"
}
# After the client exited: the server's CPU ms since the mark, or n/a if the phase never began.
cpu_since_measuring() { # server pid, file, pid of its cpu_when_logged
  kill "$3" 2>/dev/null; wait "$3" 2>/dev/null || true
  if [[ -s $2 ]]; then awk -v a="$(cpu_ms "$1")" -v b="$(cat "$2")" 'BEGIN { print int(a - b) }'; else echo n/a; fi
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
wait_http() {
  for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "server at $1 did not come up" >&2; exit 1
}

mkdir -p "$OUT"
echo "== ours: sync-app.jar on 127.0.0.1:$OURS_PORT (pinned: $([[ $PIN == 1 ]] && echo 'core 0, client core 1' || echo no))"
# Every simulated device connects from 127.0.0.1, so the per-address connect limit is off here.
SYNC_JWT_SECRET=$SECRET SYNC_HOST=127.0.0.1 SYNC_PORT=$OURS_PORT SYNC_DATA_DIR=$DATA_DIR \
  SYNC_RATE_LIMIT_CONNECT_PER_IP_PER_SECOND=0 \
  "${ON_SERVER[@]}" java $JAVA_OPTS -jar "$APP_JAR" > "$OUT/ours-server.log" 2>&1 &
SERVER_PID=$!
wait_http "http://127.0.0.1:$OURS_PORT/health"
rm -f "$OUT/ours-client.log"
cpu_when_logged $SERVER_PID "$OUT/ours-client.log" "measuring: " "$OUT/ours-cpu0" &
MONITOR_PID=$!
set +e
"${ON_CLIENT[@]}" java $JAVA_OPTS -jar "$BENCH_JAR" latency --url "http://127.0.0.1:$OURS_PORT" --secret "$SECRET" \
  --users "$USERS" --devices "$DEVICES" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
  --mix "$MIX" --connect-warmup "$CONNECT_WARMUP" --out "$OUT/ours" > "$OUT/ours-client.log" 2>&1
OURS_RC=$?
set -e
OURS_CPU=$(cpu_since_measuring $SERVER_PID "$OUT/ours-cpu0" $MONITOR_PID)
OURS_RSS=$(rss_kb $SERVER_PID)
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true; SERVER_PID=

echo "== peer: y-websocket $(node -p "require('./bench/peer/node_modules/y-websocket/package.json').version") on 127.0.0.1:$PEER_PORT (in memory)"
HOST=127.0.0.1 PORT=$PEER_PORT "${ON_SERVER[@]}" node bench/peer/node_modules/y-websocket/bin/server.js \
  > "$OUT/peer-server.log" 2>&1 &
SERVER_PID=$!
wait_http "http://127.0.0.1:$PEER_PORT/"
rm -f "$OUT/peer-client.log"
cpu_when_logged $SERVER_PID "$OUT/peer-client.log" "measuring: " "$OUT/peer-cpu0" &
MONITOR_PID=$!
set +e
"${ON_CLIENT[@]}" node bench/peer/load.js --url "ws://127.0.0.1:$PEER_PORT" --users "$USERS" \
  --devices "$DEVICES" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --mix "$MIX" \
  --connect-warmup "$CONNECT_WARMUP" --out "$OUT/peer" > "$OUT/peer-client.log" 2>&1
PEER_RC=$?
set -e
PEER_CPU=$(cpu_since_measuring $SERVER_PID "$OUT/peer-cpu0" $MONITOR_PID)
PEER_RSS=$(rss_kb $SERVER_PID)
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true; SERVER_PID=

O=$OUT/ours/result.json
P=$OUT/peer/result.json
[[ -f $O && -f $P ]] || { echo "a client wrote no result (rc ours=$OURS_RC peer=$PEER_RC); see $OUT/*.log" >&2; exit 1; }
q() { jq -r "$1 // \"n/a\"" "$2"; }
row() { # label, jq expression, divisor (1000 for µs -> ms), decimals
  local o p
  o=$(q "$2" "$O"); p=$(q "$2" "$P")
  awk -v l="$1" -v o="$o" -v p="$p" -v d="$3" -v n="$4" 'BEGIN {
    if (o == "n/a" || p == "n/a") { printf "| %s | %s | %s | – |\n", l, o, p; exit }
    fmt = "%." n "f"
    r = (p + 0 == 0) ? "–" : sprintf("%.2f", (o / d) / (p / d))
    printf "| %s | " fmt " | " fmt " | %s |\n", l, o / d, p / d, r }'
}
bytes_per_op='(.headline.bytes_per_op | [.[] | .avg * .count] | add) / (.headline.bytes_per_op | [.[] | .count] | add)'
WRITES_O=$(q .headline.writes "$O"); WRITES_P=$(q .headline.writes "$P")
echo
echo "## ours vs y-websocket: $USERS users x $DEVICES devices, $RATE writes/s, ${DURATION} s after ${WARMUP} s warm-up"
echo
echo "Mix $MIX; latency in ms from each write's scheduled send time (open loop), to each other"
echo "device of the user; one client process measures both ends. Pinned (server core 0, client"
echo "core 1): $([[ $PIN == 1 ]] && echo yes || echo no). Connects: after $CONNECT_WARMUP warm-up connects"
echo "and closes on each side, in batches of 500 at once. Date $(date -u +%FT%TZ)."
echo
echo "| metric | ours | y-websocket | ratio |"
echo "|---|---|---|---|"
row "sync latency p50 (ms)" .headline.sync_latency_us.p50 1000 3
row "sync latency p90 (ms)" .headline.sync_latency_us.p90 1000 3
row "sync latency p99 (ms)" .headline.sync_latency_us.p99 1000 3
row "sync latency p99.9 (ms)" .headline.sync_latency_us.p99_9 1000 3
row "sync latency max (ms)" .headline.sync_latency_us.max 1000 3
row "sync latency from actual send p50 (ms)" .headline.sync_from_send_us.p50 1000 3
row "sync latency from actual send p99 (ms)" .headline.sync_from_send_us.p99 1000 3
row "bytes/op received, all ops (avg)" "$bytes_per_op" 1 1
row "bytes/op progress (avg)" '.headline.bytes_per_op.progress_update.avg' 1 1
row "bytes/op watchlist add (avg)" '.headline.bytes_per_op.watchlist_update.avg' 1 1
row "bytes/op watchlist remove (avg)" '.headline.bytes_per_op."watchlist_update(remove)".avg' 1 1
row "bytes/op preference (avg)" '.headline.bytes_per_op.preference_update.avg' 1 1
row "writes (measured)" .headline.writes 1 0
row "achieved writes/s" .headline.achieved_rate 1 0
row "deliveries / expected" "(.headline.deliveries / .headline.expected_deliveries)" 1 4
row "superseded by a concurrent write to the same key" '.headline.superseded_by_concurrent_write // 0' 1 0
row "connect p50 (ms)" .connections.connect_latency_us.p50 1000 3
row "connect p99 (ms)" .connections.connect_latency_us.p99 1000 3
row "errors (incl. lost deliveries)" .errors.total 1 0
awk -v o="$OURS_CPU" -v p="$PEER_CPU" -v wo="$WRITES_O" -v wp="$WRITES_P" 'BEGIN {
  # from the start of the measured phase to the client exit (its drain included): no connects
  if (o == "n/a" || p == "n/a") { print "| server CPU ms per write (measured phase) | " o " | " p " | – |"; exit }
  fo = o / wo; fp = p / wp
  printf "| server CPU ms per write (measured phase) | %.3f | %.3f | %.2f |\n", fo, fp, (fp == 0 ? 0 : fo / fp) }'
awk -v o="$OURS_RSS" -v p="$PEER_RSS" 'BEGIN { printf "| server RSS at end (MiB) | %.0f | %.0f | %.2f |\n", o/1024, p/1024, o/p }'
echo
echo "ours: JSON ops with server-assigned HLCs and an ack per write, each durable in SQLite"
echo "(WAL, synchronous=FULL, group commit) before it is acknowledged or fanned out;"
echo "y-websocket: in memory, binary Yjs updates, no acks. A Yjs write that loses to a concurrent"
echo "write on the same key is never observed (row 'superseded'), ours delivers every op."
echo "Files: $OUT/{ours,peer}/."
[[ $OURS_RC == 0 && $PEER_RC == 0 ]] || echo "NOTE: a client exited non-zero (ours=$OURS_RC peer=$PEER_RC): see $OUT/*-client.log"
