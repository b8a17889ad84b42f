#!/usr/bin/env bash
# Browser tests of the booth (specs/booth.md): installs what they need
# (Debian's chromium, node modules from the committed package-lock.json),
# builds the server, trustee and verifier binaries (release, target dir
# target-booth), and runs booth/tests/run.mjs against a server on a
# loopback port with the embedded SQLite store. Artifacts (screenshots,
# axe report, benchmarks, record, receipt) go to booth/tests/artifacts/.
# Usage: booth/tests/run.sh [--rebuild-bundle]   (rebuild booth/dist first)
# PSEPHOS_SKIP_BENCH=1 skips the benchmarks.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
booth="$(cd "$here/.." && pwd)"
root="$(cd "$booth/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-booth}"

if [ ! -x /usr/bin/chromium ]; then
  apt-get install -y chromium
fi
if [ ! -d "$booth/node_modules/playwright-core" ] || [ "$booth/package-lock.json" -nt "$booth/node_modules/.package-lock.json" ]; then
  (cd "$booth" && npm ci --no-audit --no-fund)
fi
if [ "${1:-}" = "--rebuild-bundle" ]; then
  "$booth/build.sh"
fi
(cd "$root" && cargo build --release -p psephos-server -p psephos-trustee -p psephos-verifier)
export PSEPHOS_BIN_DIR="$CARGO_TARGET_DIR/release"
exec node "$here/run.mjs"
