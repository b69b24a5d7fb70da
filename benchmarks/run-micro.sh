#!/usr/bin/env bash
# The hot-path micro-benchmarks of docs/benchmarks.md (BenchmarkDotNet: time and bytes allocated per operation).
#   bash benchmarks/run-micro.sh                      # all of them (a few minutes)
#   bash benchmarks/run-micro.sh --filter '*Chat*'    # any BenchmarkDotNet options
#   bash benchmarks/run-micro.sh --filter '*WasmBackendOverhead*' --job medium
#                                                     # plugin backends vs the built-in one (~8 min); prints the overhead
#                                                     # per request and per chunk (docs/benchmarks.md, "Wasm and native
#                                                     # backend overhead")
#   bash benchmarks/run-micro.sh --telemetry-ab       # the library's telemetry off and on side by side (~40 s;
#                                                     # docs/benchmarks.md, "Telemetry")
# Results also land in BenchmarkDotNet.Artifacts/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ $# -eq 0 ]; then
  set -- --filter '*'
fi

# The plugin benchmarks need the sample plugins; build them when missing (a failure here only matters to those
# benchmarks, which then stop with the command to run).
if [ ! -f samples/wasm/assemblyscript/build/openai-compatible.wasm ] || [ ! -f samples/wasm/c/build/openai-compatible.wasm ] || [ ! -f samples/wasm/c/build/libopenai_compatible.so ]; then
  bash samples/wasm/build.sh || echo "The sample plugins did not build (bash samples/wasm/build.sh); WasmBackendOverheadBenchmarks will not run."
fi

exec dotnet run -c Release --project benchmarks/Mostlyucid.LlmBackend.Benchmarks -- "$@"
