#!/usr/bin/env bash
# The load comparison of docs/benchmarks.md: the same load straight at a fake upstream, through our gateway with every
# optional feature on, with them all off, with a WebAssembly plugin backend, and through the Portkey gateway, side by
# side in one run (every target running at once on its core, the repeated measurements interleaved); prints one table of
# medians and writes it to artifacts/benchmarks/load-results.md.
#   bash benchmarks/run-load.sh                  # everything (about 30 minutes on 2 cores)
#   bash benchmarks/run-load.sh --no-peer        # without Portkey
#   bash benchmarks/run-load.sh --no-wasm        # without the Wasm backend column
#   bash benchmarks/run-load.sh --no-features-off   # without the features-off column
#   bash benchmarks/run-load.sh --repeat 1 --duration 3 --sustained 30 --startup 10   # a quicker, rougher run
# Installs what it needs on a fresh Debian machine (wrk, Node.js, the npm packages), builds in Release, then runs
# benchmarks/LoadHarness. Needs the .NET 10 SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step() { printf '\n==> %s\n' "$*"; }

dotnet --version >/dev/null

apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null
  else
    echo "Install $* with your package manager and re-run."
    exit 1
  fi
}

step "Prerequisites (wrk, taskset, Node.js 20+, the peer gateway from npm)"
command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v taskset >/dev/null 2>&1 || apt_install util-linux
command -v node >/dev/null 2>&1 || apt_install nodejs npm
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Node.js $(node --version) is too old for the peer gateway: install Node 20 or later and re-run."
  exit 1
fi
npm ci --prefix benchmarks --no-audit --no-fund --loglevel=error

if [[ " $* " != *" --no-wasm "* ]]; then
  step "The Wasm column: the AssemblyScript sample plugin (run in process on Wasmtime)"
  [ -f samples/wasm/assemblyscript/build/openai-compatible.wasm ] || bash samples/wasm/build.sh
fi

step "Build (Release): the fake upstream, the harness; publish the gateway as an operator would (ReadyToRun)"
for project in benchmarks/FakeUpstream benchmarks/LoadHarness; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly
done
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64|arm64) rid=linux-arm64 ;;
  *) echo "No ReadyToRun runtime identifier for $(uname -m): publish the gateway to artifacts/benchmarks/gateway yourself."; exit 1 ;;
esac
rm -rf artifacts/benchmarks/gateway
dotnet publish src/Mostlyucid.LlmBackend.Gateway -c Release -r "$rid" --self-contained false -o artifacts/benchmarks/gateway -nologo -v q -clp:ErrorsOnly

step "Load comparison"
exec dotnet benchmarks/LoadHarness/bin/Release/net10.0/LoadHarness.dll run --root "$root" "$@"
