#!/usr/bin/env bash
# Builds the booth bundle into booth/dist/ (specs/booth.md §2):
#   1. psephos-booth-wasm for wasm32-unknown-unknown with Debian's rustc-web
#      (std rebuilt from rust-web-src; clang-22 for clear_on_drop's C part),
#   2. wasm-bindgen (--target web, names and producers removed), the exact
#      version of the wasm-bindgen crate in Cargo.lock,
#   3. the front end bundled from booth/src/ by esbuild (npm ci from the
#      committed package-lock.json), Subresource Integrity in every page,
#      booth/dist/BUILD-INFO and booth/dist/SHA256SUMS (versions, hashes).
# Idempotent: installs what is missing, rebuilds only what changed.
# Usage: booth/build.sh [--check]   (--check: fail if dist/ changed, when
# built by the compiler version recorded in dist/BUILD-INFO)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dist="$here/dist"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-booth}"
check=0
[ "${1:-}" = "--check" ] && check=1

need_pkgs=()
for p in rustc-web cargo-web rust-web-src rust-web-llvm lld-22 clang-22; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$p")
done
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "booth/build.sh: installing ${need_pkgs[*]}"
  apt-get install -y "${need_pkgs[@]}"
fi

# The wasm-bindgen CLI must be exactly the crate's version.
wb_version="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$root/Cargo.lock")"
if [ -z "$wb_version" ]; then
  echo "booth/build.sh: wasm-bindgen not found in Cargo.lock" >&2
  exit 2
fi
if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$wb_version" ]; then
  echo "booth/build.sh: installing wasm-bindgen-cli $wb_version"
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

rustc_version="$(/usr/bin/rustc --version)"
echo "booth/build.sh: building psephos-booth-wasm with $rustc_version"
(
  cd "$root"
  RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    CC_wasm32_unknown_unknown=clang-22 AR_wasm32_unknown_unknown=llvm-ar-22 \
    RUSTFLAGS="--remap-path-prefix=$root=/psephos --remap-path-prefix=$HOME=/home" \
    cargo build --release --target wasm32-unknown-unknown \
      -Zbuild-std=std,panic_abort -p psephos-booth-wasm
)

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir "$stage/pkg" --out-name psephos_booth \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/psephos_booth_wasm.wasm"

# Assemble the bundle: esbuild over booth/src, the wasm module and its glue.
if [ ! -d "$here/node_modules/esbuild" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
node "$here/tools/build.mjs" "$stage/pkg" "$stage/dist" "$rustc_version" "$wb_version"

if [ "$check" = 1 ] && [ -f "$dist/BUILD-INFO" ]; then
  recorded="$(sed -n 's/^rustc: //p' "$dist/BUILD-INFO")"
  if [ "$recorded" != "$rustc_version" ]; then
    echo "booth/build.sh: committed bundle built by '$recorded', this is '$rustc_version': not compared"
  elif ! diff -r -q "$dist" "$stage/dist"; then
    echo "booth/build.sh: the rebuilt bundle differs from the committed booth/dist" >&2
    exit 1
  else
    echo "booth/build.sh: rebuilt bundle is identical to the committed one"
  fi
fi
rm -rf "$dist"
cp -R "$stage/dist" "$dist"
echo "booth/build.sh: bundle written to $dist"
sed -n 's|^bundle: |booth/build.sh: bundle SHA-256 |p' "$dist/BUILD-INFO"
