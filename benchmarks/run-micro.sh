#!/usr/bin/env bash
# The hot-path micro-benchmarks of docs/benchmarks.md (BenchmarkDotNet: time and bytes allocated per operation).
#   bash benchmarks/run-micro.sh                      # all of them (a few minutes)
#   bash benchmarks/run-micro.sh --filter '*Chat*'    # any BenchmarkDotNet options
# Results also land in BenchmarkDotNet.Artifacts/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ $# -eq 0 ]; then
  set -- --filter '*'
fi
exec dotnet run -c Release --project benchmarks/Mostlyucid.LlmBackend.Benchmarks -- "$@"
