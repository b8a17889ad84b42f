#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and fails on any crash, leak,
# timeout or out-of-memory (specs/fuzzing.md). CI runs it as is (20 s per
# target); `long.sh` runs it longer and in parallel for a person.
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 20)
#   FUZZ_JOBS       parallel libFuzzer processes per target (default 1;
#                   above 1 runs libFuzzer's -fork mode)
#   FUZZ_SANITIZER  address (default) or none
#   FUZZ_TARGETS    space-separated subset of targets (default: all)
#   CARGO_TARGET_DIR  build directory (default ../target-fuzz)
#
# Needs the stable toolchain only: cargo-fuzz's nightly flags are allowed
# through RUSTC_BOOTSTRAP=1. cargo-fuzz is installed when missing.
# New corpus entries go under $CARGO_TARGET_DIR/fuzz-corpus/<target>; the
# committed seeds in corpus/<target>/ and the kept crash inputs in
# regressions/<target>/ are read (each is run first), never written. A crashing
# input is left in artifacts/<target>/: keep it under regressions/<target>/
# once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-20}
jobs=${FUZZ_JOBS:-1}
sanitizer=${FUZZ_SANITIZER:-address}
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(cd .. && pwd)/target-fuzz}
# The verifier's rayon pool: one thread per libFuzzer process.
export RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-1}

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

targets=${FUZZ_TARGETS:-$(cargo fuzz list --fuzz-dir .)}
cargo fuzz build --fuzz-dir . --sanitizer "$sanitizer"

extra=()
if [ "$jobs" -gt 1 ]; then
  extra+=("-fork=$jobs" "-ignore_crashes=0")
fi

logs=$CARGO_TARGET_DIR/fuzz-logs
mkdir -p "$logs"
failed=()
summary=()
for t in $targets; do
  work=$CARGO_TARGET_DIR/fuzz-corpus/$t
  mkdir -p "$work" "corpus/$t" "regressions/$t"
  echo "=== $t: ${seconds}s, $jobs job(s), sanitizer $sanitizer"
  set +e
  cargo fuzz run --fuzz-dir . --sanitizer "$sanitizer" "$t" "$work" "corpus/$t" "regressions/$t" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 "${extra[@]}" >"$logs/$t.log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$t.log" | tail -1)
  if [ -z "$runs" ]; then
    last=$(grep -E '^#[0-9]+' "$logs/$t.log" | tail -1 || true)
    runs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
    rate=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$last")
  fi
  cov=$(grep -oE 'cov: [0-9]+' "$logs/$t.log" | tail -1 | cut -d' ' -f2 || true)
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    tail -40 "$logs/$t.log"
    summary+=("$(printf '%-20s FAILED (exit %s), log %s' "$t" "$rc" "$logs/$t.log")")
  else
    summary+=("$(printf '%-20s %12s execs %8s exec/s  cov %s' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}")")
  fi
done

echo
echo "fuzz summary (${seconds}s per target):"
printf '  %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#summary[@]} targets ran without a crash"
