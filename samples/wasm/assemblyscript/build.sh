#!/bin/sh
# Builds build/openai-compatible.wasm from assembly/*.ts.
# Idempotent: installs the pinned toolchain with `npm ci` only when node_modules is missing.
set -eu
cd "$(dirname "$0")"

if [ ! -d node_modules/assemblyscript ] || [ ! -d node_modules/@extism/as-pdk ]; then
  npm ci --no-audit --no-fund
fi

mkdir -p build
# --use abort=…: route AssemblyScript aborts to our handler (no `env.abort` import, which an
# Extism host does not provide). --optimize: -O3 shrink level 1 via Binaryen.
npx --no-install asc assembly/index.ts \
  --outFile build/openai-compatible.wasm \
  --use abort=assembly/index/myAbort \
  --optimize

echo "built build/openai-compatible.wasm ($(wc -c < build/openai-compatible.wasm) bytes)"
