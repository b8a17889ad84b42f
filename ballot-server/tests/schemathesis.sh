#!/usr/bin/env bash
# API robustness (hardening, issue 9 item 3; specs/server-api.md §14):
# schemathesis, driven by the served /openapi.json, against a local demo
# server (SQLite, loopback) holding a published round and an open one.
# Two passes: path parameters generated freely, then the open round's id
# fixed so that every route works on a real round. Fails on any 5xx, any
# answer whose status, content type or error body breaks the document.
#
# Installs schemathesis 4 into target/schemathesis-venv once. The server is
# the release build booth/tests/run.sh makes (same target dir, same
# packages: a no-op in CI after it), or PSEPHOS_SERVER_BIN if set.
# Environment: ST_EXAMPLES (cases per operation and pass, default 40),
# ST_SEED (default 1, so runs repeat), ST_PASSES ("free round", default
# both; CI runs "free"). The reports go to
# target/schemathesis-report.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="$root/target"
venv="$target/schemathesis-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'schemathesis>=4.3,<5'
fi
bin="${PSEPHOS_SERVER_BIN:-}"
if [ -z "$bin" ]; then
  bins="${CARGO_TARGET_DIR:-$root/target-booth}"
  (cd "$root" && CARGO_TARGET_DIR="$bins" cargo build -q --release -p psephos-server -p psephos-trustee -p psephos-verifier)
  bin="$bins/release/psephos-server"
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# Generous per-IP limits: the fuzzer is one client at full speed (floods
# are tested in tests/abuse.rs).
"$bin" demo --voters 8 --open-round 3 --listen "127.0.0.1:$port" \
  --data-dir "$work/data" --rate-ip 100000 --burst-ip 100000 \
  >"$work/demo.out" 2>"$work/demo.err" &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  grep -q "officer token" "$work/demo.out" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/demo.err"; exit 1; }
  sleep 0.5
done
token="$(sed -n 's/.*(officer token \(pso_[0-9a-f]*\)).*/\1/p' "$work/demo.out")"
round="$(sed -n 's/^Round \([A-Za-z0-9._-]*\) is open.*/\1/p' "$work/demo.out")"
[ -n "$token" ] && [ -n "$round" ] || { cat "$work/demo.out"; exit 1; }

report="$target/schemathesis-report"
mkdir -p "$report"
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
run() {
  local name="$1"
  shift
  # From the scratch directory: schemathesis keeps a cache in the cwd.
  (cd "$work" && "$venv/bin/schemathesis" "$@" run "http://127.0.0.1:$port/openapi.json" \
    --checks "$checks" \
    --header "Authorization: Bearer $token" \
    --phases examples,coverage,fuzzing \
    --max-examples "${ST_EXAMPLES:-40}" --seed "${ST_SEED:-1}" \
    --workers 2 --request-timeout 30 --no-color \
    --generation-database none \
    --report junit --report-junit-path "$report/$name.xml")
}
passes="${ST_PASSES:-free round}"
if [[ " $passes " == *" free "* ]]; then
  echo "schemathesis pass: free path parameters"
  run free
fi
if [[ " $passes " == *" round "* ]]; then
  echo "schemathesis pass: the open round $round"
  printf '[parameters]\n"path.id" = "%s"\n' "$round" >"$work/schemathesis.toml"
  run round --config-file "$work/schemathesis.toml"
fi
