#!/usr/bin/env bash
# Scale-out proof on one machine: three server processes on loopback share one models folder and one
# redis-server behind Debian's haproxy (option httpchk GET /health/ready). Under 16 concurrent clients (the
# project's load generator, closed loop, through haproxy) it
#   1. checks that a result computed by replica A is an X-Cache hit on replicas B and C (shared Redis),
#   2. restarts every replica in turn (SIGTERM, wait for exit, start, wait until haproxy sees it up),
#   3. drops a new model version into the shared folder and times until each replica serves it, with no
#      request failing meanwhile (every replica stays ready while the new version loads beside the old),
#   4. spends a key's requests-per-minute limit through all three replicas in turn: the replicas count it together
#      in Redis, so exactly the limit is served in total and the rest are 429 with Retry-After,
# then prints one table. Access control is on throughout (two keys: an unlimited one for the load, one limited). Failed requests are every load-generator error except the requests still in flight
# when the script stops the load at the end (kind "cancelled"), which it reports apart.
#
#   bash scripts/scaleout.sh                 # the proof, with a 10 s steady phase before the restarts
#   bash scripts/scaleout.sh --quick         # what CI runs (tests/InferenceApi.Deployment.Tests): no steady phase
#   bash scripts/scaleout.sh --json out.json # also writes the figures as JSON
# Installs haproxy, redis-server and jq with apt-get when missing; builds the server and the load generator
# (Release) when their binaries are missing. Exit code 0 only when all three properties hold.
set -euo pipefail
cd "$(dirname "$0")/.."

replicas=3
clients=16
poll_ms=1000
steady_seconds=10
json_out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) steady_seconds=0 ;;
    --json) json_out="$2"; shift ;;
    --clients) clients="$2"; shift ;;
    *) echo "unknown option $1 (use --quick, --json FILE, --clients N)" >&2; exit 2 ;;
  esac
  shift
done

bash scripts/install-missing.sh haproxy redis-server jq

source scripts/lib/harness.sh scaleout

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Only the shipped sentiment model: the proof is about replicas, and one model keeps restarts short.
mkdir -p "$work/models"
cp -r models/sentiment "$work/models/"
first_version=$(ls "$work/models/sentiment" | sort -n | tail -n 1)
next_version=$((first_version + 1))

# Distinct texts, so most requests run the model instead of hitting the cache; one file per load phase.
make_texts() { awk -v from="$1" 'BEGIN {
  split("a gripping|a dull|an honest|a clumsy|a tender|a loud|a patient|a hollow", a, "|");
  split("film|script|performance|ending|score|story|cast|sequel", b, "|");
  split("that stays with you|I could not finish|worth the ticket|that drags on|full of heart|with no surprises", c, "|");
  for (i = from; i < from + 100000; i++) printf "%s %s %s, take %d.\n", a[i % 8 + 1], b[int(i / 8) % 8 + 1], c[int(i / 64) % 6 + 1], i;
}'; }
make_texts 0 > "$work/texts-restart.txt"
make_texts 100000 > "$work/texts-reload.txt"

# Two API keys: the load and the probes use an unlimited one; step 4 spends the limited one's minute.
new_key() { head -c 24 /dev/urandom | base64 | tr '+/' '-_'; }
sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
load_key=$(new_key)
limited_key=$(new_key)
limited_rpm=30

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no > "$work/redis.log" 2>&1 &
pids+=($!)

declare -a port pid
for i in $(seq 1 "$replicas"); do port[$i]=$(free_port); done

start_replica() {
  local i=$1
  Models__Path="$work/models" \
  Models__PollIntervalMs="$poll_ms" \
  OnnxRuntime__IntraOpThreads=1 \
  Cache__RedisConnectionString="127.0.0.1:$redis_port" \
  Auth__Keys__0__Name=load Auth__Keys__0__Sha256="$(sha256 "$load_key")" Auth__Keys__0__Models__0='*' \
  Auth__Keys__1__Name=limited Auth__Keys__1__Sha256="$(sha256 "$limited_key")" Auth__Keys__1__Models__0=sentiment \
  Auth__Keys__1__RequestsPerMinute="$limited_rpm" \
  Logging__LogLevel__Default=Warning \
  ORT_DISABLE_TELEMETRY=1 \
  ASPNETCORE_URLS="http://127.0.0.1:${port[$i]}" \
    dotnet "$server_dll" >> "$work/replica-$i.log" 2>&1 &
  pid[$i]=$!
  pids+=($!)
}


for i in $(seq 1 "$replicas"); do start_replica "$i"; done
for i in $(seq 1 "$replicas"); do wait_ready "http://127.0.0.1:${port[$i]}" "${pid[$i]}" "$work/replica-$i.log"; done

lb_port=$(free_port)
stats_port=$(free_port)
{
  cat <<EOF
global
  maxconn 1024

defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout queue 30s
  # Inference requests are pure functions of their body, so replaying one that a draining or stopped replica
  # refused, reset or answered 503 is safe. Another server is chosen for every retry.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response 503

frontend api
  bind 127.0.0.1:$lb_port
  default_backend replicas

backend replicas
  balance leastconn
  option httpchk GET /health/ready
  http-check expect status 200
  # A refused connection or a 503 marks a replica down at once (fall 1); a slow answer gets 2 s, since without
  # "timeout check" the check interval (500 ms) is the limit, and on a busy 2-core box every replica then
  # flaps down now and then at the same time (haproxy logged only such "Layer7 timeout" downs in failed runs).
  timeout check 2s
  default-server inter 500ms fall 1 rise 2
EOF
  for i in $(seq 1 "$replicas"); do echo "  server r$i 127.0.0.1:${port[$i]} check"; done
  cat <<EOF

listen stats
  bind 127.0.0.1:$stats_port
  stats enable
  stats uri /stats
EOF
} > "$work/haproxy.cfg"
haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 &
pids+=($!)

# status of server rN in haproxy's CSV (UP, DOWN, ...), and a backend counter by column name.
haproxy_status() { curl -s "http://127.0.0.1:$stats_port/stats;csv" | awk -F, -v s="r$1" '$1 == "replicas" && $2 == s { print $18 }'; }
haproxy_counter() {
  curl -s "http://127.0.0.1:$stats_port/stats;csv" | awk -F, -v c="$1" '
    NR == 1 { for (k = 1; k <= NF; k++) { name = $k; sub(/^# /, "", name); col[name] = k } }
    $1 == "replicas" && $2 == "BACKEND" { print $col[c] }'
}
wait_haproxy_up() {
  local i=$1 deadline=$((SECONDS + 60))
  until [ "$(haproxy_status "$i")" = "UP" ]; do
    [ $SECONDS -le $deadline ] || { echo "haproxy never saw replica $i up" >&2; exit 1; }
    sleep 0.2
  done
}
for i in $(seq 1 "$replicas"); do wait_haproxy_up "$i"; done

classify() { # replica-port text [key] -> "X-Cache value" "model version"
  curl -s -D "$work/headers" -o "$work/body" "http://127.0.0.1:$1/v1/classify" -H "authorization: Bearer ${3:-$load_key}" \
    -H 'content-type: application/json' -d "{\"model\":\"sentiment\",\"inputs\":\"$2\"}"
  local cache version
  cache=$(tr -d '\r' < "$work/headers" | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')
  version=$(tr -d '\r' < "$work/headers" | awk -F': ' 'tolower($1) == "x-model-version" { print $2 }')
  echo "${cache:-none} ${version:-none}"
}

# 1. Shared cache: computed through replica 1, then asked of the others once Redis holds the entry.
probe="shared cache probe $$ $RANDOM"
keys_before=$(redis-cli -p "$redis_port" dbsize)
cache_a=$(classify "${port[1]}" "$probe" | cut -d' ' -f1)
deadline=$((SECONDS + 10))
while [ "$(redis-cli -p "$redis_port" dbsize)" -le "$keys_before" ] && [ $SECONDS -le $deadline ]; do sleep 0.05; done
cache_others=()
for i in $(seq 2 "$replicas"); do cache_others+=("$(classify "${port[$i]}" "$probe" | cut -d' ' -f1)"); done

# Load through haproxy, one load-generator run per phase. SIGTERM (not SIGINT, which background jobs of a
# script ignore) makes it stop sending and write what it measured.
start_load() { # phase
  INFERENCEAPI_KEY="$load_key" dotnet "$loadgen_dll" run --url "http://127.0.0.1:$lb_port" --scenario classify --model sentiment \
    --texts "$work/texts-$1.txt" --mode closed --concurrency "$clients" --duration 3600s --warmup 0s --timeout 30s \
    --out "$work/load-$1" > "$work/loadgen-$1.log" 2>&1 &
  load_pid=$!
  pids+=($load_pid)
  load_started=$(now)
}
stop_load() { # phase -> writes $work/phase-$1.json: the load generator's summary, failures and haproxy's retries
  local results="$work/load-$1/results.json" retries redispatches
  kill -TERM "$load_pid"
  wait "$load_pid" || true
  [ -f "$results" ] || { echo "the load generator wrote no results:" >&2; cat "$work/loadgen-$1.log" >&2; exit 1; }
  retries=$(haproxy_counter wretr)
  redispatches=$(haproxy_counter wredis)
  jq --arg seconds "$(elapsed "$load_started" "$(now)")" \
    --argjson retries "$((retries - retries_before))" --argjson redispatches "$((redispatches - redispatches_before))" \
    '{requests: .summary.requests, failed: (.summary.errors - (.errorKinds.cancelled // 0)),
      cancelledAtStop: (.errorKinds.cancelled // 0), seconds: ($seconds | tonumber),
      throughput: (.summary.throughput * 10 | round / 10), p99Ms: .summary.latencyMs.p99,
      failures: (.errorKinds | del(.cancelled)), secondsWithFailures: ([.windows[] | select(.errors > 0)] | length),
      haproxyRetries: $retries, haproxyRedispatches: $redispatches}' \
    "$results" > "$work/phase-$1.json"
  retries_before=$retries
  redispatches_before=$redispatches
}
retries_before=$(haproxy_counter wretr)
redispatches_before=$(haproxy_counter wredis)

# 2. Rolling restart: SIGTERM one replica, wait for it to exit, start it again, wait until haproxy sends to it.
start_load restart
sleep $((2 + steady_seconds))
declare -a exit_code drain_s ready_s
for i in $(seq 1 "$replicas"); do
  t0=$(now)
  kill -TERM "${pid[$i]}"
  set +e; wait "${pid[$i]}"; exit_code[$i]=$?; set -e
  drain_s[$i]=$(elapsed "$t0" "$(now)")
  t1=$(now)
  start_replica "$i"
  wait_ready "http://127.0.0.1:${port[$i]}" "${pid[$i]}" "$work/replica-$i.log"
  wait_haproxy_up "$i"
  ready_s[$i]=$(elapsed "$t1" "$(now)")
done
sleep 2
stop_load restart

# 3. Hot reload under load: publish the next version by a rename (the server ignores dot-folders), then ask
# each replica directly until it answers with the new version.
start_load reload
sleep 2
cp -r "$work/models/sentiment/$first_version" "$work/models/sentiment/.$next_version"
mv "$work/models/sentiment/.$next_version" "$work/models/sentiment/$next_version"
published=$(now)
declare -a reload_s
pending=$(seq 1 "$replicas")
deadline=$((SECONDS + 120))
while [ -n "$pending" ] && [ $SECONDS -le $deadline ]; do
  still=""
  for i in $pending; do
    if [ "$(classify "${port[$i]}" "version probe $RANDOM" | cut -d' ' -f2)" = "$next_version" ]; then
      reload_s[$i]=$(elapsed "$published" "$(now)")
    else
      still+="$i "
    fi
  done
  pending=$still
  [ -z "$pending" ] || sleep 0.1
done
sleep 2
stop_load reload

# 4. Per-key limit across replicas: twice the limit, sent to replicas 1, 2, 3, 1, … directly, inside one minute window
# (limits count per wall-clock minute; a burst that straddles two windows is sent again in the next one).
limit_burst() { # -> one "replica status retry-after" line per request in $work/limits
  : > "$work/limits"
  local n i status
  for n in $(seq 0 $((2 * limited_rpm - 1))); do
    i=$((n % replicas + 1))
    status=$(curl -s -o /dev/null -D "$work/limit-headers" -w '%{http_code}' "http://127.0.0.1:${port[$i]}/v1/classify" \
      -H "authorization: Bearer $limited_key" -H 'content-type: application/json' \
      -d "{\"model\":\"sentiment\",\"inputs\":\"limit probe $n\"}")
    echo "$i $status $(tr -d '\r' < "$work/limit-headers" | awk -F': ' 'tolower($1) == "retry-after" { print $2 }')" >> "$work/limits"
  done
}
for attempt in 1 2; do
  # A second attempt starts in a fresh minute: the first one's late requests already count in the one it ended in.
  [ "$attempt" -eq 1 ] && [ $(( $(date +%s) % 60 )) -lt 40 ] || sleep $(( 61 - $(date +%s) % 60 ))
  window=$(( $(date +%s) / 60 ))
  limit_burst
  [ "$window" -ne $(( $(date +%s) / 60 )) ] || break
done
limit_served=$(awk '$2 == 200' "$work/limits" | wc -l)
limit_refused=$(awk '$2 == 429' "$work/limits" | wc -l)
limit_refused_with_retry=$(awk '$2 == 429 && $3 >= 1' "$work/limits" | wc -l)
limit_other=$(awk '$2 != 200 && $2 != 429' "$work/limits" | wc -l)
declare -a limit_by
for i in $(seq 1 "$replicas"); do
  limit_by[$i]="$(awk -v r="$i" '$1 == r && $2 == 200' "$work/limits" | wc -l)/$(awk -v r="$i" '$1 == r && $2 == 429' "$work/limits" | wc -l)"
done

# Verdicts and the table.
restart_failed=$(jq .failed "$work/phase-restart.json")
restart_ok=true
[ "$restart_failed" -eq 0 ] || restart_ok=false
for i in $(seq 1 "$replicas"); do [ "${exit_code[$i]}" -eq 0 ] || restart_ok=false; done
cache_ok=true
[ "$cache_a" = "miss" ] || cache_ok=false
for c in "${cache_others[@]}"; do [ "$c" = "hit" ] || cache_ok=false; done
reload_ok=true
[ -z "$pending" ] || reload_ok=false
reload_load_ok=true
[ "$(jq .failed "$work/phase-reload.json")" -eq 0 ] || reload_load_ok=false
limits_ok=true
[ "$limit_served" -eq "$limited_rpm" ] && [ "$limit_refused" -eq "$limited_rpm" ] && [ "$limit_refused_with_retry" -eq "$limit_refused" ] || limits_ok=false
verdict() { if $1; then echo "ok"; else echo "FAILED"; fi; }
slashed() { local IFS=/; echo "$*"; }
load_line() { # phase
  jq -r '"\(.failed) failed of \(.requests) requests (\(.throughput) req/s, p99 \(.p99Ms) ms, \(.seconds) s)" +
    (if (.failures | length) > 0 then ": " + ([.failures | to_entries[] | "\(.key) \(.value)"] | join(", ")) + " in \(.secondsWithFailures) s" else "" end) +
    "; haproxy retries \(.haproxyRetries), redispatches \(.haproxyRedispatches)"' "$work/phase-$1.json"
}
reloads=""
for i in $(seq 1 "$replicas"); do reloads+="r$i ${reload_s[$i]:-never} s, "; done
others=""
for i in $(seq 2 "$replicas"); do others+="r$i ${cache_others[$((i - 2))]}, "; done

row() { printf '%-16s | %-104s | %s\n' "$1" "$2" "$3"; }
echo
echo "Scale-out: $replicas replicas, $(haproxy -v | head -n 1 | awk '{print "haproxy " $3}'), $(redis-server --version | awk '{print "redis " $3}' | tr -d 'v='), $clients clients (closed loop) through haproxy, model sentiment, Models:PollIntervalMs $poll_ms"
row "property" "figures" "result"
row "----------------" "$(printf '%.0s-' {1..104})" "------"
row "rolling restart" "$(load_line restart)" "$(verdict $restart_ok)"
row "" "exit codes $(slashed "${exit_code[@]:1}"); SIGTERM to exit $(slashed "${drain_s[@]:1}") s; start to up in haproxy $(slashed "${ready_s[@]:1}") s" ""
row "shared cache" "computed through r1: $cache_a; then ${others%, }" "$(verdict $cache_ok)"
row "hot reload" "version $next_version served after the rename by ${reloads%, }" "$(verdict $reload_ok)"
row "" "load meanwhile: $(load_line reload)" "$(verdict $reload_load_ok)"
limits_by=""
for i in $(seq 1 "$replicas"); do limits_by+="r$i ${limit_by[$i]}, "; done
row "per-key limit" "$limited_rpm requests/minute, $((2 * limited_rpm)) sent round-robin: $limit_served served, $limit_refused 429 ($limit_refused_with_retry with Retry-After), $limit_other other; served/429 by ${limits_by%, }" "$(verdict $limits_ok)"
echo "(requests still in flight when the script stopped each load are not counted: $(jq .cancelledAtStop "$work/phase-restart.json") and $(jq .cancelledAtStop "$work/phase-reload.json"))"

if [ -n "$json_out" ]; then
  jq -n \
    --argjson replicas "$replicas" --argjson clients "$clients" --argjson pollMs "$poll_ms" \
    --slurpfile restart "$work/phase-restart.json" --slurpfile reload "$work/phase-reload.json" \
    --argjson exitCodes "[$(IFS=,; echo "${exit_code[*]:1}")]" \
    --argjson drainSeconds "[$(IFS=,; echo "${drain_s[*]:1}")]" \
    --argjson readySeconds "[$(IFS=,; echo "${ready_s[*]:1}")]" \
    --arg cacheFirst "$cache_a" --argjson cacheOthers "$(printf '%s\n' "${cache_others[@]}" | jq -R . | jq -s .)" \
    --argjson nextVersion "$next_version" \
    --argjson limit "$limited_rpm" --argjson limitServed "$limit_served" --argjson limitRefused "$limit_refused" \
    --argjson limitRetryAfter "$limit_refused_with_retry" --argjson limitOther "$limit_other" \
    --argjson limitByReplica "$(for i in $(seq 1 "$replicas"); do echo "${limit_by[$i]}"; done | jq -R 'split("/") | {served: (.[0] | tonumber), refused: (.[1] | tonumber)}' | jq -s .)" \
    --argjson reloadSeconds "$(for i in $(seq 1 "$replicas"); do echo "${reload_s[$i]:-null}"; done | jq -s .)" \
    '{replicas: $replicas, clients: $clients, pollIntervalMs: $pollMs,
      rollingRestart: ($restart[0] + {exitCodes: $exitCodes, drainSeconds: $drainSeconds, readySeconds: $readySeconds}),
      sharedCache: {computedOnFirst: $cacheFirst, others: $cacheOthers},
      hotReload: {version: $nextVersion, secondsToServe: $reloadSeconds, load: $reload[0]},
      perKeyLimit: {requestsPerMinute: $limit, served: $limitServed, refused: $limitRefused,
        refusedWithRetryAfter: $limitRetryAfter, other: $limitOther, byReplica: $limitByReplica}}' > "$json_out"
fi

$restart_ok && $cache_ok && $reload_ok && $reload_load_ok && $limits_ok
