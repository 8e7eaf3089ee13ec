#!/usr/bin/env bash
# Runs "$@" with QS_TEST_STORE_URL pointing at a fresh CongoDB (MongoDB wire
# protocol, in memory) on a free 127.0.0.1 port; stops it afterwards.
# Exit 77 (meson: skipped) when the server cannot be installed (no npm/network).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! "$here/mongo-server/setup.sh"; then
  echo "with-mongo-server: the test MongoDB server is not available; skipping" >&2
  exit 77
fi
log=$(mktemp)
node "$here/mongo-server/server.mjs" 0 $$ >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$log"; }
trap cleanup EXIT
port=
for _ in $(seq 200); do
  port=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$log")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "with-mongo-server: the server did not start:" >&2
  cat "$log" >&2
  exit 1
fi
QS_TEST_STORE_URL="mongodb://127.0.0.1:$port/?w=1&retryWrites=true&serverSelectionTimeoutMS=3000" "$@"
