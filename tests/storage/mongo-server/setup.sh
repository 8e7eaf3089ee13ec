#!/usr/bin/env bash
# Installs the test MongoDB server into tests/store/mongo-server/node_modules:
# CongoDB, the wire-compatible in-memory server inside npm @push.rocks/smartmongo
# 2.2.0. That version's own dependency tree does not resolve, so the package is
# fetched with `npm pack` (checked against its registry integrity) and unpacked,
# and only the runtime modules CongoDB imports are installed from package.json /
# package-lock.json (exact versions). Idempotent; safe to run concurrently.
set -euo pipefail
cd "$(dirname "$0")"
version=2.2.0
integrity='sha512-ovVCNoJ3D0aBuKtoKaQWWQKvBngaGJq9fAPQigzji1EHsS1XyGpXWCpe5nq/ptGvBROOcpqZcOFEGAcrnb+OjA=='
target=node_modules/@push.rocks/smartmongo

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "mongo-server setup: node and npm are needed (scripts/install-deps)" >&2; exit 1; }

exec 9>.setup.lock
flock 9
if [ -f "$target/.installed-$version" ] && [ -d node_modules/mingo ] && [ -d node_modules/bson ]; then
  exit 0
fi
echo "mongo-server setup: installing CongoDB (@push.rocks/smartmongo@$version)" >&2
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "@push.rocks/smartmongo@$version" --json --loglevel=error > pack.json)
got=$(node -e 'const p=require(process.argv[1]); console.log(p[0].integrity)' "$tmp/pack.json")
if [ "$got" != "$integrity" ]; then
  echo "mongo-server setup: integrity mismatch for smartmongo $version" >&2; exit 1
fi
rm -rf "$target"
mkdir -p "$target"
tar xzf "$tmp"/push.rocks-smartmongo-$version.tgz -C "$target" --strip-components=1
touch "$target/.installed-$version"
