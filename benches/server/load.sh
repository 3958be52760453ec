#!/usr/bin/env bash
# A bounded load test of `clearance serve` on loopback, with wrk (Debian's package): requests
# per second and p50/p99 latency at 1, 16 and 64 concurrent connections, for one record per
# request (JSON) and for NDJSON batches of 1,000 records; then overload: 64 connections of
# batches against a server that answers 4 requests at a time, counted by status from the
# server's own /metrics. Each run lasts $DURATION (default 10 s). The server is the release
# build, started here and stopped with SIGTERM at the end.
# Usage: benches/server/load.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10s}"
command -v wrk >/dev/null || { echo "error: wrk is needed (apt-get install wrk)" >&2; exit 2; }
target="${CARGO_TARGET_DIR:-target}"
cargo build --release -q -p clearance-cli
work="$(mktemp -d)"
trap 'kill -TERM "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

# One record: the first declaration of the examples. A batch: the examples' declarations
# repeated to 1,000 lines.
head -n 1 examples/declarations.ndjson > "$work/one.json"
for _ in $(seq 250); do cat examples/declarations.ndjson; done | head -n 1000 > "$work/batch.ndjson"
for kind in one:application/json:one.json batch:application/x-ndjson:batch.ndjson; do
    IFS=: read -r name type file <<< "$kind"
    cat > "$work/$name.lua" <<LUA
wrk.method = "POST"
wrk.path = "/v1/validate?as_of=2026-03-10"
wrk.headers["Content-Type"] = "$type"
local f = io.open("$work/$file", "rb")
wrk.body = f:read("*a")
f:close()
LUA
done

port=18181
# Starts the server with the given limit of requests at once, and waits until it is ready.
start_server() {
    "$target/release/clearance" serve --rules rules --addr "127.0.0.1:$port" --allow-request-as-of \
        --no-watch --max-concurrent-requests "$1" 2> "$work/server.log" &
    server=$!
    for _ in $(seq 600); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
}
stop_server() {
    kill -TERM "$server"
    wait "$server" || { echo "error: the server did not stop cleanly" >&2; exit 1; }
}
start_server 128

printf '| body | connections | requests/s | records/s | p50 | p99 | errors |\n|---|---|---|---|---|---|---|\n'
for name in one batch; do
    records=1
    [ "$name" = batch ] && records=1000
    for connections in 1 16 64; do
        threads=$(( connections < 2 ? 1 : 2 ))
        wrk -t"$threads" -c"$connections" -d"$duration" --timeout 30s --latency \
            -s "$work/$name.lua" "http://127.0.0.1:$port" > "$work/wrk.txt"
        rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")
        p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
        p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
        errors=$(awk '/Non-2xx|Socket errors/ {print}' "$work/wrk.txt" | tr '\n' ' ')
        per_second=$(awk -v rps="$rps" -v n="$records" 'BEGIN {printf "%.0f", rps * n}')
        echo "| $name ($records record$([ "$records" = 1 ] || echo s)) | $connections | $rps | $per_second | $p50 | $p99 | ${errors:-none} |"
    done
done
stop_server

# Overload: 16 times more connections than the server answers at once. Every request is either
# answered in full (200) or refused at once (503 with Retry-After); the server's /metrics
# counts them, and it must be ready and idle afterwards.
start_server 4
wrk -t2 -c64 -d"$duration" --timeout 30s --latency \
    -s "$work/batch.lua" "http://127.0.0.1:$port" > "$work/wrk.txt"
metrics="$(curl -sf "http://127.0.0.1:$port/metrics")"
count() {
    echo "$metrics" | awk -v status="$1" \
        '/^clearance_http_requests_total\{/ && /endpoint="\/v1\/validate"/ && $0 ~ "status=\"" status "\"" {n += $2} END {print n + 0}'
}
answered=$(count 200)
refused=$(count 503)
all=$(echo "$metrics" | awk '/^clearance_http_requests_total\{/ && /endpoint="\/v1\/validate"/ {n += $2} END {print n + 0}')
# The requests that wrk left unfinished when it stopped end with their clients gone; wait for
# the server to be idle again (at most 30 s), and say how long it took.
settled=""
for tenth in $(seq 0 300); do
    idle=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '$1 == "clearance_requests_in_flight" {print $2}')
    [ "$idle" = 0 ] && { settled=$(awk -v t="$tenth" 'BEGIN {printf "%.1f s", t / 10}'); break; }
    sleep 0.1
done
[ -n "$settled" ] || { echo "error: requests still in flight 30 s after the overload" >&2; exit 1; }
seconds=$(awk '/requests in/ {print $4}' "$work/wrk.txt" | tr -d 's,')
p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
errors=$(awk '/Socket errors/ {print}' "$work/wrk.txt" | tr '\n' ' ')
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "error: not ready after the overload" >&2; exit 1; }
echo
printf '| overload | answered (200) | refused (503) | other | records/s answered | p50 | p99 | socket errors | idle again after |\n|---|---|---|---|---|---|---|---|---|\n'
echo "| 64 connections, 4 at once, batches of 1000 | $answered | $refused | $(( all - answered - refused )) | $(awk -v n="$answered" -v s="$seconds" 'BEGIN {printf "%.0f", n * 1000 / s}') | $p50 | $p99 | ${errors:-none} | $settled |"
stop_server
