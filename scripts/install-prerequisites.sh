#!/usr/bin/env bash
# Installs what the build and tests need beyond the .NET SDK, so a fresh machine can run scripts/test.sh:
# - Node.js 20+ and the npm packages of tests/node (the gateway is tested with the official `openai` and `@anthropic-ai/sdk` npm packages, the Vercel AI SDK and LangChain JS);
#   Node is a test and sample-build tool only: WebAssembly plugins run in process on Wasmtime.
# - wat2wasm and clang-14/lld, which compile the sandbox tests' own plugins.
# The sample plugins' toolchains (AssemblyScript from npm; clang, lld and wasi-libc from apt) are installed by
# samples/wasm/build.sh, which scripts/test.sh runs.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet --version >/dev/null

if ! command -v node >/dev/null 2>&1; then
  echo "Node.js is not installed; installing it from Debian's packages."
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq nodejs npm) || { echo "Could not install Node.js: install Node 20 or later and re-run."; exit 1; }
  else
    echo "Install Node.js 20 or later (https://nodejs.org) and re-run."
    exit 1
  fi
fi

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Node.js $(node --version) is too old: the tests need Node 20 or later."
  exit 1
fi

npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
# wat2wasm compiles the sandbox tests' misbehaving plugin (tests/Mostlyucid.LlmBackend.Tests/Wasm/Plugins).
# PostgreSQL 15's server binaries, for the shared usage-ledger tests (scripts/test.sh starts a throwaway server).
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq postgresql-15 || apt-get install -y -qq postgresql) \
    || echo "Could not install the PostgreSQL server; the PostgreSQL usage-store tests will fail."
fi

# chromium: the dashboard tests drive Debian's chromium headless through Playwright (its own browser download is not used).
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq chromium) || echo "Could not install chromium; the dashboard browser tests will fail."
fi

# redis-server: the shared-state tests (cache and key limits across two gateway instances) start a throwaway server on
# loopback themselves (tests/*/TestSupport/RedisServer.cs).
if ! command -v redis-server >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq redis-server) || echo "Could not install redis-server; the Redis shared-state tests will fail."
fi

# tmux: the llmb chat tests drive the tool in a real terminal (send-keys, capture-pane).
if ! command -v tmux >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq tmux) || echo "Could not install tmux; the llmb chat test will fail."
fi

if ! command -v wat2wasm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq wabt) || echo "Could not install wabt (wat2wasm); the sandbox tests will fail."
fi

# clang-14 and lld compile the test plugin that does its own HTTP (tests/Mostlyucid.LlmBackend.Tests/Wasm/Plugins/in_plugin.c).
if { ! command -v clang-14 >/dev/null 2>&1 || ! command -v wasm-ld >/dev/null 2>&1; } && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq clang-14 lld) || echo "Could not install clang-14 and lld; the in-plugin export tests will fail."
fi
