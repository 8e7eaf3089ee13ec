#!/usr/bin/env bash
# tests/bench/memory.sh BUILD [STARTS] [CHATS]: per-process memory of the
# suite (broker, gateway, 4 workers, 1 each; sandbox excluded), as in the
# README's "Memory" table: VmRSS / PSS in kB, median of STARTS (default 3)
# starts of suite_start 1, at idle (3 s after start) and after CHATS (default
# 20) sequential POST /api/v1/chat (then 2 s).
#   MEM_MESSAGES="a;b;c"   the chat messages, used in turn (default: "what can you do?")
#   MEM_KEEP=DIR           keep every snapshot's /proc/PID/smaps in DIR
# Prints a markdown table on stdout; progress on stderr. Ports: the bench's
# (BENCH_*_PORT, tests/bench/lib.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
bench_init "${1:-build}"
starts=${2:-3}
chats=${3:-20}
IFS=';' read -ra messages <<< "${MEM_MESSAGES:-what can you do?}"
kinds="broker gateway intent knowledge k8s workflow"
results=$BENCH_TMP/memory.tsv
: > "$results"

# snap TAG RUN: one line per process: tag run kind rss pss
snap() {
  local p pid kind
  for p in $(awk '$1 != "sandbox" { print $1 }' "$BENCH_TMP/procs"); do
    pid=$(pid_of "$p"); kind=${p%-1}
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$kind" "$(rss_kb "$pid")" "$(pss_kb "$pid")" >> "$results"
    [ -n "${MEM_KEEP:-}" ] && mkdir -p "$MEM_KEEP" && cp "/proc/$pid/smaps" "$MEM_KEEP/$2-$1-$kind.smaps"
  done
}

token=$(bench_token) || { say "cli/quickspin not built: no dev token"; exit 1; }
for run in $(seq "$starts"); do
  suite_start 1
  alive gateway && alive workflow-1 || { say "the suite did not start"; exit 1; }
  sleep 3
  snap idle "$run"
  bad=0
  for i in $(seq "$chats"); do
    msg=${messages[$(( (i - 1) % ${#messages[@]} ))]}
    code=$(curl -s -o /dev/null -m 30 -w '%{http_code}' "http://127.0.0.1:$BENCH_GW_PORT/api/v1/chat" \
             -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
             -d "{\"message\":\"$msg\"}")
    [ "$code" = 200 ] || bad=$((bad + 1))
  done
  [ "$bad" -gt 0 ] && say "run $run: $bad of $chats chats were not 200"
  sleep 2
  snap chat "$run"
  suite_stop
  say "run $run done"
done

# medians per kind and state; the suite row sums the medians
med() { awk -v t="$1" -v k="$2" -v c="$3" '$1 == t && $3 == k { print $c }' "$results" | median; }
printf '| process | idle RSS / PSS | after %s chats RSS / PSS |\n|---|---|---|\n' "$chats"
ir=0 ip=0 cr=0 cp=0
for k in $kinds; do
  a=$(med idle "$k" 4); b=$(med idle "$k" 5); c=$(med chat "$k" 4); d=$(med chat "$k" 5)
  [ -n "$a" ] || continue
  printf '| %s | %s / %s | %s / %s |\n' "$k" "$a" "$b" "$c" "$d"
  ir=$((ir + a)) ip=$((ip + b)) cr=$((cr + c)) cp=$((cp + d))
done
printf '| suite | %s / %s | %s / %s |\n' "$ir" "$ip" "$cr" "$cp"
