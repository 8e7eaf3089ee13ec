# tests/bench/lib.sh - shared by scripts/bench, scripts/bench.d/* and scripts/soak.
# Source it after `set -uo pipefail`, then call bench_init BUILD.
#
# Everything listens on 127.0.0.1 only, on ports of its own (override with the
# BENCH_*_PORT variables) so that a bench run does not collide with `make run`
# or other engineers' test suites. Every process started here is recorded in
# $BENCH_TMP/procs and stopped by its pid on exit; every wait has a time limit.
#
# Output convention: progress lines go to stderr ("[bench hh:mm:ss] ..."),
# result rows to stdout as tab-separated fields:
#   ROW <area> <metric> <ours> <peer> <goal> <result>
# scripts/bench collects the rows of every script into the final table.

BENCH_GW_PORT=${BENCH_GW_PORT:-28080}
BENCH_NGINX_PORT=${BENCH_NGINX_PORT:-28081}
BENCH_FASTAPI_PORT=${BENCH_FASTAPI_PORT:-28082}
BENCH_BARE_PORT=${BENCH_BARE_PORT:-28083}
BENCH_SANDBOX_PORT=${BENCH_SANDBOX_PORT:-28090}
BENCH_BROKER_PORT=${BENCH_BROKER_PORT:-25555}
BENCH_LOG_LEVEL=${BENCH_LOG_LEVEL:-warn}
BENCH_PY=${BENCH_PY:-/usr/bin/python3}   # Debian's python: python3-fastapi lives there

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# row AREA METRIC OURS PEER GOAL RESULT
row() { printf 'ROW\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6"; }

# bench_init BUILD: absolute build dir, a private temp dir, cleanup on exit.
bench_init() {
  BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  BUILD=${1:-build}
  case "$BUILD" in /*) ;; *) BUILD=$BENCH_ROOT/$BUILD ;; esac
  BENCH_TMP=$(mktemp -d /tmp/qs-bench.XXXXXX)
  : > "$BENCH_TMP/procs"
  trap 'bench_cleanup' EXIT
  trap 'exit 130' INT TERM
}

# ports_check: never measure somebody else's server; every bench port must be free.
ports_check() {
  local p busy=""
  for p in $BENCH_GW_PORT $BENCH_NGINX_PORT $BENCH_FASTAPI_PORT $BENCH_BARE_PORT \
           $BENCH_SANDBOX_PORT $BENCH_BROKER_PORT; do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && busy+=" $p"
  done
  if [ -n "$busy" ]; then
    say "port(s)$busy on 127.0.0.1 already in use (another bench or soak running?); set BENCH_*_PORT"
    exit 1
  fi
}

bench_cleanup() {
  stop_all
  if [ -n "${BENCH_KEEP_TMP:-}" ]; then say "logs kept in $BENCH_TMP"; else rm -rf "$BENCH_TMP"; fi
}

# have PATH-IN-BUILD: prints the binary's full path when it was built.
have() { [ -x "$BUILD/$1" ] && printf '%s\n' "$BUILD/$1"; }

# bg NAME CMD...: start CMD in the background, log to $BENCH_TMP/NAME.log.
bg() {
  local name=$1; shift
  "$@" > "$BENCH_TMP/$name.log" 2>&1 &
  local pid=$!
  printf '%s %s\n' "$name" "$pid" >> "$BENCH_TMP/procs"
  LAST_PID=$pid
}

# pid_of NAME
pid_of() { awk -v n="$1" '$1 == n { print $2 }' "$BENCH_TMP/procs" | tail -1; }

# stop NAME...: SIGTERM, wait up to 5 s, then SIGKILL; forget the process.
stop() {
  local name pid i
  for name in "$@"; do
    pid=$(pid_of "$name"); [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    awk -v n="$name" '$1 != n' "$BENCH_TMP/procs" > "$BENCH_TMP/procs.new"
    mv "$BENCH_TMP/procs.new" "$BENCH_TMP/procs"
  done
}

stop_all() {
  [ -f "${BENCH_TMP:-/nonexistent}/procs" ] || return 0
  local names
  names=$(awk '{ print $1 }' "$BENCH_TMP/procs" | tac)
  [ -n "$names" ] && stop $names
  return 0
}

# wait_http URL SECONDS: until the URL answers any HTTP status (1 = timed out).
wait_http() {
  local url=$1 limit=$2 i
  for i in $(seq $((limit * 10))); do
    curl -s -o /dev/null -m 1 "$url" && return 0
    sleep 0.1
  done
  return 1
}

# alive NAME: the recorded process still runs.
alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# the private (anonymous) part of RSS: heap, stacks; no shared library pages
anon_kb() { awk '/^RssAnon:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# proportional set size: shared pages divided among the processes sharing them
pss_kb() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null; }
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
cpus() { nproc; }

# suite_start WORKERS_PER_KIND: the whole product as separate processes, as
# scripts/run-local starts it (same variables), on the bench's own ports:
# sandbox, broker, WORKERS processes of every worker kind, gateway.
# Sets SUITE_MISSING (binaries not built) and SUITE_NAMES (started).
# SUITE_ONLY="broker gateway" starts only those kinds; SUITE_CPUS="1" pins
# the suite's processes to those CPUs (taskset).
suite_want() { [ -z "${SUITE_ONLY:-}" ] || [[ " $SUITE_ONLY " == *" $1 "* ]]; }
suite_start() {
  local workers=${1:-1} b name path i
  ports_check
  export QS_HTTP_ADDR=127.0.0.1 QS_HTTP_PORT=$BENCH_GW_PORT
  export QS_DATA_DIR=$BENCH_TMP/data-$workers
  export QS_BROKER_ENDPOINT=tcp://127.0.0.1:$BENCH_BROKER_PORT
  export QS_STORE_URL=sqlite://$QS_DATA_DIR/quickspin.db
  export QS_SANDBOX_ADDR=127.0.0.1:$BENCH_SANDBOX_PORT
  export QS_PLATFORM_URL=http://$QS_SANDBOX_ADDR
  export QS_K8S_API_URL=http://$QS_SANDBOX_ADDR
  export QS_SANDBOX_K8S_TOKEN=sandbox-k8s-token
  export QS_K8S_TOKEN_FILE=$QS_DATA_DIR/k8s-token
  export QS_LOG_LEVEL=$BENCH_LOG_LEVEL QS_LOG_FORMAT=text
  export QS_HTTP_THREADS=${BENCH_HTTP_THREADS:-${QS_HTTP_THREADS:-32}}
  unset QS_LLM_BASE_URL QS_LLM_API_KEY QS_EMBEDDINGS_URL QS_BROKER_EMBEDDED QS_RATE_LIMIT_RPS
  local pin=()
  [ -n "${SUITE_CPUS:-}" ] && pin=(taskset -c "$SUITE_CPUS")
  mkdir -p "$QS_DATA_DIR"
  printf '%s' "$QS_SANDBOX_K8S_TOKEN" > "$QS_K8S_TOKEN_FILE"
  SUITE_MISSING=() SUITE_NAMES=()
  if ! suite_want sandbox; then :
  elif b=$(have tests/sandbox/quickspin-sandbox); then
    bg sandbox "$b"; wait_http "http://$QS_SANDBOX_ADDR/" 10 || say "sandbox did not answer"
  else SUITE_MISSING+=(sandbox); fi
  if ! suite_want broker; then :
  elif b=$(have gateway/quickspin-broker); then bg broker "${pin[@]}" "$b"; SUITE_NAMES+=(broker)
  else SUITE_MISSING+=(broker); fi
  sleep 0.3
  for svc in intent:intent-svc/quickspin-intent knowledge:knowledge-svc/quickspin-knowledge \
             k8s:k8s-svc/quickspin-k8s workflow:workflow-svc/quickspin-workflow; do
    name=${svc%%:*}; path=${svc#*:}
    suite_want "$name" || continue
    if b=$(have "$path"); then
      for i in $(seq 1 "$workers"); do bg "$name-$i" "${pin[@]}" "$b"; SUITE_NAMES+=("$name-$i"); done
    else SUITE_MISSING+=("$name"); fi
  done
  if ! suite_want gateway; then :
  elif b=$(have gateway/quickspin-gateway); then
    bg gateway "${pin[@]}" "$b"; SUITE_NAMES+=(gateway)
    wait_http "http://127.0.0.1:$BENCH_GW_PORT/api/v1/health" 15 || say "gateway did not answer"
  else SUITE_MISSING+=(gateway); fi
  # readiness wants every service: wait for it a little, go on without it
  local ready=0
  suite_want gateway && for i in $(seq 100); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -m 1 \
          "http://127.0.0.1:$BENCH_GW_PORT/api/v1/health/ready")" = 200 ]; then ready=1; break; fi
    sleep 0.1
  done
  say "suite up: ${SUITE_NAMES[*]}${SUITE_MISSING:+ (not built: ${SUITE_MISSING[*]})}; ready=$ready"
}

suite_stop() { stop gateway; stop_all; }

# token: a member dev token for org-acme from the CLI (empty when no CLI).
bench_token() {
  local cli
  cli=$(have cli/quickspin) || return 1
  "$cli" token --sub bench --org org-acme --roles member 2>/dev/null
}

# wrk_run OUTFILE WRK-ARGS...: run wrk (--latency) and parse its output into
# W_RPS, W_P50, W_P90, W_P99 (ms), W_NON2XX, W_SOCKERR, W_REQS.
# WRK_CPUS=0 pins wrk to those CPUs.
wrk_run() {
  local out=$1; shift
  local pin=()
  [ -n "${WRK_CPUS:-}" ] && pin=(taskset -c "$WRK_CPUS")
  W_RPS=""
  "${pin[@]}" wrk --latency "$@" > "$out" 2>&1
  wrk_parse "$out"
}

wrk_parse() {
  local f=$1
  W_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$f")
  W_REQS=$(awk '/requests in/ { print $1 }' "$f")
  W_P50=$(s_wrk_pct 50 "$f"); W_P90=$(s_wrk_pct 90 "$f"); W_P99=$(s_wrk_pct 99 "$f")
  W_NON2XX=$(awk '/Non-2xx/ { print $NF }' "$f"); W_NON2XX=${W_NON2XX:-0}
  W_SOCKERR=$(awk -F'[ ,]+' '/Socket errors/ { print $4 + $6 + $8 + $10 }' "$f"); W_SOCKERR=${W_SOCKERR:-0}
  [ -n "$W_RPS" ]
}

# one percentile line of wrk's latency distribution, in ms
s_wrk_pct() {
  awk -v p="$1%" '$1 == p && NF == 2 {
    v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
    if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
    printf "%.2f", v }' "$2"
}

fmt_int() { printf '%s' "$1"; }
# mb KB -> "12.3 MB"
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }

# ratio A B -> A/B with 2 decimals (0 when B is 0)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print 0 }'; }
# le A B: A <= B (floats)
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
