#!/usr/bin/env bash
# How fast a freshly started gateway reaches full speed: starts it on core 0, loads it from its first request (wrk, 64
# connections, the fake upstream's 0 ms port, on core 1) in consecutive windows and prints its requests/s in each, one line
# per run. Compare runtime settings run after run (docs/benchmarks.md, "Runtime settings"):
#   bash benchmarks/run-warmup.sh                                    # the published gateway (artifacts/benchmarks/gateway)
#   bash benchmarks/run-warmup.sh --env DOTNET_TC_CallCountingDelayMs=0
#   bash benchmarks/run-warmup.sh --dll src/Mostlyucid.LlmBackend.Gateway/bin/Release/net10.0/Mostlyucid.LlmBackend.Gateway.dll   # JIT only
#   bash benchmarks/run-warmup.sh --windows 24 --seconds 5 --label pgo-off --env DOTNET_TieredPGO=0
# Publish first (run-load.sh does): dotnet publish src/Mostlyucid.LlmBackend.Gateway -c Release -r linux-x64 -o artifacts/benchmarks/gateway
# and build benchmarks/FakeUpstream in Release. Needs wrk and taskset. Appends to artifacts/benchmarks/warmup.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
dll=artifacts/benchmarks/gateway/Mostlyucid.LlmBackend.Gateway.dll windows=12 seconds=5 label="" extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dll) dll="$2"; shift 2 ;;
    --windows) windows="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    --env) extra+=("$2"); shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done
[ -f "$dll" ] || { echo "No gateway at $dll: publish it first (see the top of this script)."; exit 1; }
out=artifacts/benchmarks/warmup && mkdir -p "$out"
# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh

taskset -c 1 dotnet benchmarks/FakeUpstream/bin/Release/net10.0/FakeUpstream.dll --chunks 10 --listen 9100:0:200 >"$out/upstream.log" 2>&1 &
started_pid $!
wait_port 9100
WRK_MODEL=m taskset -c 1 wrk -t1 -c64 -d5s -s benchmarks/wrk/chat.lua http://127.0.0.1:9100/v1/chat/completions >/dev/null # warm the upstream
rm -f "$out"/usage.db*
# shellcheck disable=SC2046
env $(upstream_backends 9100) LlmSettings__Usage__ConnectionString="$out/usage.db" \
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning "${extra[@]}" \
  taskset -c 0 dotnet "$dll" --urls http://127.0.0.1:8085 >"$out/gateway.log" 2>&1 &
started_pid $!
wait_port 8085
line="${label:-$(basename "$(dirname "$dll")") ${extra[*]}}:"
for _ in $(seq "$windows"); do
  result=$(WRK_MODEL=up9100 taskset -c 1 wrk -t1 -c64 -d"${seconds}"s --timeout 10s -s benchmarks/wrk/chat.lua http://127.0.0.1:8085/v1/chat/completions | grep '^RESULT')
  line+=" $(echo "$result" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } printf "%.0f", (f["requests"] - f["non2xx"]) / (f["duration_us"] / 1e6) }')"
done
echo "$line" | tee -a artifacts/benchmarks/warmup.txt
