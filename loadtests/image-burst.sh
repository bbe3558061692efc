#!/usr/bin/env bash
# Memory under a burst of large images: starts a server with the shipped models, sends N concurrent uploads of a
# 6000 x 6000 PNG (58 KB, mostly flat) to /v1/images/classify (digits-vit), and prints the server's RSS before, its
# peak (VmHWM) and its RSS 60 s after, with the answers' statuses.
#   bash loadtests/image-burst.sh [uploads, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
uploads=${1:-32}
source scripts/lib/harness.sh image-burst

python3 - "$work/big.png" <<'PY'
import struct, sys, zlib
w = h = 6000
def chunk(kind, data): return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
raw = bytearray()
for y in range(h):
    row = bytearray([255]) * w
    if 1000 < y < 5000: row[2000:4000] = bytes(2000)
    raw += b"\0" + row
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))
PY

port=$(free_port)
url="http://127.0.0.1:$port"
Models__Path="$root/models" Logging__LogLevel__Default=Warning ORT_DISABLE_TELEMETRY=1 ASPNETCORE_URLS="$url" \
  dotnet "$server_dll" > "$work/server.log" 2>&1 &
server=$!
pids+=("$server")
wait_ready "$url" "$server" "$work/server.log"
mib() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' "/proc/$server/status"; }

sleep 2
before=$(mib VmRSS)
started=$SECONDS
clients=()
for i in $(seq 1 "$uploads"); do
  curl -s -o /dev/null -w '%{http_code}\n' -F model=digits-vit -F "images=@$work/big.png" "$url/v1/images/classify" > "$work/status-$i" &
  clients+=($!)
done
wait "${clients[@]}"
took=$((SECONDS - started))
peak=$(mib VmHWM)
sleep 60
echo "$uploads uploads of a 6000x6000 PNG in ${took} s: RSS before ${before} MiB, peak ${peak} MiB, 60 s after $(mib VmRSS) MiB; statuses: $(cat "$work"/status-* | sort | uniq -c | awk '{ printf "%s x %s ", $1, $2 }')"
