#!/usr/bin/env bash
# Store benchmark, SQLite vs MongoDB side by side: appends/s and list/get
# latency at QS_BENCH_CONVS x QS_BENCH_MSGS (default 10000 x 20).
#   QS_BENCH_MONGO_URL   a real MongoDB (e.g. mongodb://127.0.0.1:27017/qs_bench):
#                        measured at the full size.
#   unset                the test wire-protocol server (CongoDB, in-memory JavaScript
#                        with full scans) at QS_BENCH_MONGO_CONVS (default 1000)
#                        conversations: it slows down with every document, so its
#                        numbers only show that the backend works, not MongoDB speed.
# Usage: tests/workflow/store/bench-store.sh [build-dir]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
bench="$build/tests/workflow/store/bench_store"
[ -x "$bench" ] || { echo "bench-store: build $bench first (ninja -C $build)" >&2; exit 1; }
echo "== store benchmark ($(nproc) cpu): ${QS_BENCH_CONVS:-10000} conversations x ${QS_BENCH_MSGS:-20} messages"
QS_BENCH_STORE_URL=sqlite "$bench" 2>/dev/null
status=$?
if [ -n "${QS_BENCH_MONGO_URL:-}" ]; then
  QS_BENCH_STORE_URL="$QS_BENCH_MONGO_URL" "$bench" || status=1
else
  echo "   (mongodb: the test server, ${QS_BENCH_MONGO_CONVS:-1000} conversations; set QS_BENCH_MONGO_URL for a real one)"
  QS_BENCH_CONVS=${QS_BENCH_MONGO_CONVS:-1000} "$here/../../storage/with-mongo-server.sh" \
    bash -c 'QS_BENCH_STORE_URL="${QS_TEST_STORE_URL%%\?*}qs_bench" exec "$0"' "$bench" || status=1
fi
exit $status
