#!/usr/bin/env bash
# Builds both artifacts and runs all smoke tests: Node/Extism (Wasm), native, native under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh --asan
command -v node >/dev/null 2>&1 || { echo "test.sh: error: node not found (need Node >= 18)" >&2; exit 1; }
(cd test && npm ci --no-audit --no-fund --silent && node --no-warnings smoke.mjs ../build/openai-compatible.wasm)
gcc -O1 -g -Wall -Wextra -pthread -o build/native_smoke test/native_smoke.c -ldl
build/native_smoke build/libopenai_compatible.so
gcc -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -pthread -o build/asan/native_smoke test/native_smoke.c -ldl
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  build/asan/native_smoke build/asan/libopenai_compatible.so
echo "test.sh: all passed"
