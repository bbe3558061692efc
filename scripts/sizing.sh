#!/usr/bin/env bash
# Throughput per core of each shipped model, for sizing a deployment (deploy/README.md, Sizing). Starts the
# server pinned to N cores (taskset, OnnxRuntime:IntraOpThreads=N, result cache off) and drives one model
# at a time with the load generator (closed loop, 16 clients) pinned to the other cores, then prints one table
# and the server's peak memory.
#
#   bash scripts/sizing.sh                  # 1 core for the server, 20 s per model
#   bash scripts/sizing.sh --cores 2 --seconds 30
# Needs one core more than --cores (for the load generator). Builds the server and the load generator
# (Release) when their binaries are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

cores=1
seconds=20
clients=16
while [ $# -gt 0 ]; do
  case "$1" in
    --cores) cores="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    *) echo "unknown option $1 (use --cores N, --seconds S)" >&2; exit 2 ;;
  esac
  shift
done
total=$(nproc)
if [ "$cores" -ge "$total" ]; then
  echo "this machine has $total cores: --cores must leave at least one for the load generator" >&2
  exit 2
fi
command -v jq >/dev/null 2>&1 || { echo "jq is missing (apt-get install jq)" >&2; exit 2; }

server_dll="$root/src/InferenceApi/bin/Release/net10.0/InferenceApi.dll"
loadgen_dll="$root/loadtests/InferenceApi.LoadGen/bin/Release/net10.0/InferenceApi.LoadGen.dll"
[ -f "$server_dll" ] || dotnet build src/InferenceApi -c Release -nologo -v quiet
[ -f "$loadgen_dll" ] || dotnet build loadtests/InferenceApi.LoadGen -c Release -nologo -v quiet

work=$(mktemp -d "${TMPDIR:-/tmp}/sizing.XXXXXX")
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

# Inputs: review-like sentences for the classifier, Austen-like openings for the GPT, and 8x8 grey digits
# (written as PNG here: nothing is read from outside the repository).
awk 'BEGIN {
  split("The acting is superb and the story|I found the plot thin, and the dialogue|A warm, funny film whose cast|Two hours of noise that|An honest drama; its ending", a, "|");
  split("kept me guessing until the very last scene.|never rises above the obvious.|deserves a much larger audience.|I would not recommend to anyone.", b, "|");
  for (i = 0; i < 200; i++) printf "%s %s\n", a[i % 5 + 1], b[int(i / 5) % 4 + 1];
}' > "$work/texts.txt"
printf '%s\n' "It is a truth universally acknowledged, that" "Emma could not" "Mr. Darcy walked" "The family of Dashwood had" > "$work/prompts.txt"
mkdir -p "$work/images"
python3 - "$work/images" <<'EOF'
import random, struct, sys, zlib
def png(path, pixels, size):
    rows = b"".join(b"\x00" + bytes(pixels[y * size:(y + 1) * size]) for y in range(size))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
random.seed(7)
for i in range(16):
    png(f"{sys.argv[1]}/digit{i}.png", [random.choice((0, 0, 128, 255)) for _ in range(64)], 8)
EOF

port=$((20000 + RANDOM % 20000))
server_cores="0-$((cores - 1))"
loadgen_cores="$cores-$((total - 1))"
OnnxRuntime__IntraOpThreads="$cores" \
Cache__Enabled=false \
Logging__LogLevel__Default=Warning \
ORT_DISABLE_TELEMETRY=1 \
ASPNETCORE_URLS="http://127.0.0.1:$port" \
  taskset -c "$server_cores" dotnet "$server_dll" > "$work/server.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 300))
until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do
  [ $SECONDS -le $deadline ] && kill -0 "$server_pid" 2>/dev/null || { echo "the server did not become ready:" >&2; tail -n 20 "$work/server.log" >&2; exit 1; }
  sleep 0.5
done

run() { # name scenario model extra-args...
  local name=$1 scenario=$2 model=$3
  shift 3
  taskset -c "$loadgen_cores" dotnet "$loadgen_dll" run --url "http://127.0.0.1:$port" --scenario "$scenario" --model "$model" \
    --mode closed --concurrency "$clients" --duration "${seconds}s" --warmup 5s --out "$work/$name" "$@" > "$work/$name.log" 2>&1
  jq -r --arg name "$name" --arg scenario "$scenario" --argjson cores "$cores" '
    .summary as $s | ($s.throughput / $cores) as $per |
    [$name, $scenario, ($s.throughput * 10 | round / 10), ($per * 10 | round / 10),
     (if $s.stream then ($s.stream.tokensPerSecond / $cores * 10 | round / 10) else "-" end),
     $s.latencyMs.p50, $s.latencyMs.p99, $s.errors] | @tsv' "$work/$name/results.json" >> "$work/table.tsv"
}

: > "$work/table.tsv"
run sentiment classify sentiment --texts "$work/texts.txt"
run digits-vit image digits-vit --images "$work/images"
run gpt-austen generate gpt-austen --texts "$work/prompts.txt" --max-new-tokens 32

peak_kib=$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")
echo
echo "Sizing: server on $cores core(s) ($server_cores, OnnxRuntime:IntraOpThreads=$cores, cache off), load generator on $loadgen_cores, $clients clients closed loop, ${seconds} s per model after 5 s warm-up"
printf '%-12s %-9s %12s %14s %18s %9s %9s %7s\n' model scenario "requests/s" "req/s per core" "tokens/s per core" "p50 ms" "p99 ms" errors
while IFS=$'\t' read -r name scenario throughput per tokens p50 p99 errors; do
  printf '%-12s %-9s %12s %14s %18s %9s %9s %7s\n' "$name" "$scenario" "$throughput" "$per" "$tokens" "$p50" "$p99" "$errors"
done < "$work/table.tsv"
echo "server peak memory (VmHWM) with all three models loaded: $((peak_kib / 1024)) MiB"
