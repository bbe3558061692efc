# Sourced by scripts/scaleout.sh, loadtests/drills.sh and loadtests/image-burst.sh from the repository root with the scratch folder's name:
#   source scripts/lib/harness.sh NAME
# Sets server_dll and loadgen_dll (building the server and the load generator in Release when missing), work (a
# scratch folder under $TMPDIR) and pids (processes to stop), and on exit kills every pid in pids and removes work;
# defines free_port and wait_ready.
root=$(pwd)
server_dll="$root/src/InferenceApi/bin/Release/net10.0/InferenceApi.dll"
loadgen_dll="$root/loadtests/InferenceApi.LoadGen/bin/Release/net10.0/InferenceApi.LoadGen.dll"
for project in src/InferenceApi loadtests/InferenceApi.LoadGen; do
  dll="$root/$project/bin/Release/net10.0/$(basename "$project").dll"
  [ -f "$dll" ] || dotnet build "$project" -c Release -nologo -v quiet
done

work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # KEEP_WORK=1 keeps the run's folder (results.json with per-second windows, server and load logs) for a look afterwards.
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# A loopback port nothing listens on, outside the kernel's ephemeral range: a port from that range (what binding port 0
# gives) can be taken by any outgoing connection while a replica restarts on it, which failed CI runs with
# "address already in use". A port handed out once is not handed out again (kept in a file: callers run this in a
# command substitution, whose variables are lost).
read -r ephemeral_low ephemeral_high < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { ephemeral_low=32768; ephemeral_high=60999; }
if [ "$ephemeral_low" -ge 11024 ]; then
  port_from=10000; port_to=$ephemeral_low
elif [ "$ephemeral_high" -le 64511 ]; then
  port_from=$((ephemeral_high + 1)); port_to=65536
else
  echo "no room for test ports outside the ephemeral range $ephemeral_low-$ephemeral_high" >&2
  exit 1
fi
free_port() {
  local port
  while true; do
    port=$((port_from + (RANDOM * 32768 + RANDOM) % (port_to - port_from)))
    grep -qx "$port" "$work/ports" 2>/dev/null && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port" >> "$work/ports"
      echo "$port"
      return
    fi
  done
}

wait_ready() { # base-url pid log: until /health/ready answers 200; exits with the log's tail when the process dies or after 180 s
  local deadline=$((SECONDS + 180))
  until curl -sf -o /dev/null "$1/health/ready"; do
    if [ $SECONDS -gt $deadline ] || ! kill -0 "$2" 2>/dev/null; then
      echo "the server at $1 did not become ready; its log $3:" >&2
      tail -n 30 "$3" >&2
      exit 1
    fi
    sleep 0.2
  done
}
