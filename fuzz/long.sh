#!/usr/bin/env bash
# A longer fuzzing session for a person (specs/fuzzing.md): every target
# (or the ones named as arguments) for FUZZ_SECONDS (default 600) with
# FUZZ_JOBS parallel processes (default: the machine's cores), through
# smoke.sh. Example: FUZZ_SECONDS=3600 fuzz/long.sh ballot verifier_record
set -euo pipefail
cd "$(dirname "$0")"
export FUZZ_SECONDS=${FUZZ_SECONDS:-600}
export FUZZ_JOBS=${FUZZ_JOBS:-$(nproc)}
if [ "$#" -gt 0 ]; then
  export FUZZ_TARGETS="$*"
fi
exec ./smoke.sh
