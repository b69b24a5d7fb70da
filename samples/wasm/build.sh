#!/usr/bin/env bash
# Builds both sample provider plugins from source: the AssemblyScript one (npm ci + asc) and the C one (clang for
# wasm32-wasi, gcc for the native library). Each folder's build.sh installs what it needs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/assemblyscript/build.sh"
bash "$here/c/build.sh"
