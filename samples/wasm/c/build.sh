#!/usr/bin/env bash
# Builds the openai-compatible C sample plugin two ways from one source tree:
#   build/openai-compatible.wasm      Extism plugin (QueryMT ABI), wasm32-wasi reactor
#   build/libopenai_compatible.so     native shared library (llmb_plugin_* C ABI)
# Usage: ./build.sh            build both (installs clang/lld/wasi-libc with apt if missing)
#        ./build.sh --asan     additionally build build/asan/libopenai_compatible.so with -fsanitize=address
# Idempotent; exits non-zero with a message when a tool is missing or a compile fails.
set -euo pipefail
cd "$(dirname "$0")"

die() { echo "build.sh: error: $*" >&2; exit 1; }

CLANG=${CLANG:-clang-14}
CC_NATIVE=${CC_NATIVE:-gcc}
SYSROOT=${WASI_SYSROOT:-/usr}
RT_LIB=/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a

wasm_tools_ok() {
  command -v "$CLANG" >/dev/null 2>&1 && command -v wasm-ld >/dev/null 2>&1 &&
    [ -f "$SYSROOT/lib/wasm32-wasi/libc.a" ] && [ -d "$SYSROOT/include/wasm32-wasi" ] &&
    { [ "$CLANG" != clang-14 ] || ls /usr/lib/llvm-14/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1; }
}

if ! wasm_tools_ok || ! command -v "$CC_NATIVE" >/dev/null 2>&1; then
  echo "build.sh: installing toolchain (clang-14, lld, wasi-libc, libclang-rt-14-dev-wasm32, gcc) with apt-get" >&2
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install clang-14, lld (wasm-ld), wasi-libc and libclang-rt-14-dev-wasm32 by hand"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq || die "apt-get update failed"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-14 lld wasi-libc libclang-rt-14-dev-wasm32 gcc libc6-dev \
    || die "apt-get install failed (need clang-14 lld wasi-libc libclang-rt-14-dev-wasm32 gcc)"
  wasm_tools_ok || die "toolchain still incomplete after install: need $CLANG, wasm-ld, $SYSROOT/lib/wasm32-wasi/libc.a and $RT_LIB"
  command -v "$CC_NATIVE" >/dev/null 2>&1 || die "$CC_NATIVE not found after install"
fi

mkdir -p build
SRC=(src/json.c src/provider.c src/carrier_extism.c src/carrier_native.c)
WARN=(-Wall -Wextra -Werror=implicit-function-declaration)

echo "build.sh: wasm   -> build/openai-compatible.wasm"
"$CLANG" --target=wasm32-wasi --sysroot="$SYSROOT" -O2 "${WARN[@]}" -mexec-model=reactor \
  -Wl,-z,stack-size=1048576 -Wl,--strip-debug \
  -o build/openai-compatible.wasm.tmp "${SRC[@]}" || die "wasm compile failed"
mv build/openai-compatible.wasm.tmp build/openai-compatible.wasm

echo "build.sh: native -> build/libopenai_compatible.so"
"$CC_NATIVE" -O2 "${WARN[@]}" -shared -fPIC -fvisibility=hidden -pthread -DLLMB_NATIVE \
  -o build/libopenai_compatible.so.tmp "${SRC[@]}" || die "native compile failed"
mv build/libopenai_compatible.so.tmp build/libopenai_compatible.so

if [ "${1:-}" = "--asan" ]; then
  mkdir -p build/asan
  echo "build.sh: asan   -> build/asan/libopenai_compatible.so"
  "$CC_NATIVE" -O1 -g "${WARN[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer -shared -fPIC -fvisibility=hidden \
    -pthread -DLLMB_NATIVE -o build/asan/libopenai_compatible.so "${SRC[@]}" || die "asan compile failed"
fi
echo "build.sh: ok"
