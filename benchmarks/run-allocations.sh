#!/usr/bin/env bash
# Where a request's allocations come from, through the published gateway: the load table's features-on gateway (a key
# with limits and a budget, the ledger, Prometheus, the memory cache taking a miss a request) pinned to core 0, wrk at
# 64 connections against the 0 ms fake upstream on core 1, and dotnet-trace's gc-verbose events (an allocation sampled
# about every 100 KB, with its type and stack) over the measured seconds. Prints bytes a request by type and by the
# nearest frame of the library or the gateway (docs/benchmarks.md, "Allocations a request").
#   bash benchmarks/run-allocations.sh                          # 25 s of warm-up, 10 s traced
#   bash benchmarks/run-allocations.sh --seconds 20 --top 50 --features-off --dll /tmp/other/Mostlyucid.LlmBackend.Gateway.dll
# Publish first (run-load.sh does): dotnet publish src/Mostlyucid.LlmBackend.Gateway -c Release -r linux-x64 -o artifacts/benchmarks/gateway
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=10 warmup=25 top=30 features_on=1 gateway="$root/artifacts/benchmarks/gateway/Mostlyucid.LlmBackend.Gateway.dll"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --top) top="$2"; shift 2 ;;
    --features-off) features_on=0; shift ;;
    --dll) gateway="$2"; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done
[ -f "$gateway" ] || { echo "No gateway at $gateway: publish one (see the top of this script) or pass --dll."; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed: sudo apt-get install -y wrk (run-load.sh installs it)"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="$root/artifacts/benchmarks/allocations"
rm -rf "$out" && mkdir -p "$out"
trace_tool="$root/artifacts/tools/dotnet-trace"
[ -x "$trace_tool" ] || dotnet tool install --tool-path "$root/artifacts/tools" dotnet-trace >/dev/null
dotnet build benchmarks/FakeUpstream -c Release -nologo -v q -clp:ErrorsOnly
dotnet build benchmarks/LoadHarness -c Release -nologo -v q -clp:ErrorsOnly
upstream="$root/benchmarks/FakeUpstream/bin/Release/net10.0/FakeUpstream.dll"
harness="$root/benchmarks/LoadHarness/bin/Release/net10.0/LoadHarness.dll"
# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh

features=() headers=""
if [ "$features_on" = 1 ]; then
  read -r -a features <<<"$(features_on_settings)"
  headers="Authorization: Bearer $benchmark_key"
fi

taskset -c 1 dotnet "$upstream" --chunks 10 --listen 9100:0:200 >"$out/upstream.log" 2>&1 &
started_pid $!
# shellcheck disable=SC2046
env $(upstream_backends 9100) ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning DOTNET_TC_CallCountingDelayMs=0 \
  LlmSettings__Usage__ConnectionString="$out/usage.db" "${features[@]}" \
  taskset -c 0 dotnet "$gateway" --urls http://127.0.0.1:8086 >"$out/gateway.log" 2>&1 &
started_pid $!
gateway_pid=$!
for port in 9100 8086; do wait_port "$port"; done

load() { # seconds
  WRK_MODEL=up9100 WRK_HEADERS="$headers" WRK_UNIQUE="a$RANDOM$RANDOM" taskset -c 1 wrk -t1 -c64 -d"$1s" -s benchmarks/wrk/chat.lua http://127.0.0.1:8086/v1/chat/completions
}
echo "Warm-up: $warmup s"
load "$warmup" >/dev/null
echo "Traced: $seconds s (features $([ "$features_on" = 1 ] && echo on || echo off))"
load "$seconds" >"$out/wrk.txt" &
wrk_pid=$!
"$trace_tool" collect -p "$gateway_pid" --profile gc-verbose --duration "$(printf '00:00:00:%02d' "$seconds")" -o "$out/trace.nettrace" >"$out/trace.log" 2>&1
wait "$wrk_pid"
result=$(grep RESULT "$out/wrk.txt")
echo "$result"
requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$result")
# wrk and the trace run for the same seconds, started together: the requests are those served while tracing, give or
# take the trace's attach time (well under a second).
dotnet "$harness" allocations --trace "$out/trace.nettrace" --requests "$requests" --top "$top" | tee "$out/report.txt"
