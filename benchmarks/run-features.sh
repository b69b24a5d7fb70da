#!/usr/bin/env bash
# What each optional feature costs a request, side by side: seven published gateways run at once on core 0 — every feature
# off, then off plus one feature (a key, a key with limits and a budget, the ledger, telemetry, a response cache taking a
# miss per request), then every feature on — and interleaved wrk runs (64 connections, the fake upstream's 0 ms port, on
# core 1) measure each one's CPU time per request, throughput and resident memory. Prints the medians (docs/benchmarks.md, "What each
# feature costs").
#   bash benchmarks/run-features.sh                      # 3 rounds of 5 s after 20 s of warm-up each (~5 min)
#   bash benchmarks/run-features.sh --rounds 5 --warmup 40
# Publish the gateway and build benchmarks/FakeUpstream first (run-load.sh does both). Needs wrk and taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3 warmup=20 seconds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done
gateway=artifacts/benchmarks/gateway/Mostlyucid.LlmBackend.Gateway.dll
[ -f "$gateway" ] || { echo "No published gateway at $gateway: run benchmarks/run-load.sh once, or dotnet publish src/Mostlyucid.LlmBackend.Gateway -c Release -r linux-x64 -o artifacts/benchmarks/gateway"; exit 1; }
out=artifacts/benchmarks/features && rm -rf "$out" && mkdir -p "$out"
key=llmb-benchmark-key-0123456789abcdef
off="Gateway__Telemetry__Prometheus=false LlmSettings__Usage__Enabled=false LlmSettings__Caching__Enabled=false"
with_key="Gateway__ApiKeys__0__Name=benchmark Gateway__ApiKeys__0__Key=$key"
limits="Gateway__ApiKeys__0__MaxRequestsPerMinute=100000000 Gateway__ApiKeys__0__MaxTokensPerMinute=2000000000 Gateway__ApiKeys__0__MaxSpendUsd=1000000"
cache="LlmSettings__Caching__Enabled=true LlmSettings__Caching__MaxCacheSizeMb=32"
names=(off key limits ledger telemetry cache-miss all-on)
declare -A settings=(
  [off]="$off"
  [key]="$off $with_key"
  [limits]="$off $with_key $limits LlmSettings__Usage__Enabled=true"
  [ledger]="$off LlmSettings__Usage__Enabled=true"
  [telemetry]="$off Gateway__Telemetry__Prometheus=true"
  [cache-miss]="$off $cache"
  [all-on]="$with_key $limits Gateway__Telemetry__Prometheus=true LlmSettings__Usage__Enabled=true $cache"
)
declare -A headers=([key]="Authorization: Bearer $key" [limits]="Authorization: Bearer $key" [all-on]="Authorization: Bearer $key")
declare -A unique=([cache-miss]=1 [all-on]=1)
# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh

taskset -c 1 dotnet benchmarks/FakeUpstream/bin/Release/net10.0/FakeUpstream.dll --chunks 10 --listen 9100:0:200 >"$out/upstream.log" 2>&1 &
started_pid $!
declare -A port pid
next=8600
for name in "${names[@]}"; do
  port[$name]=$next
  # shellcheck disable=SC2086
  env $(upstream_backends 9100) ${settings[$name]} ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning DOTNET_TC_CallCountingDelayMs=0 \
    LlmSettings__Usage__ConnectionString="$out/$name-usage.db" taskset -c 0 dotnet "$gateway" --urls "http://127.0.0.1:$next" >"$out/$name.log" 2>&1 &
  pid[$name]=$!
  started_pid $!
  next=$((next + 1))
done
wait_port 9100
for name in "${names[@]}"; do wait_port "${port[$name]}"; done
ticks=$(getconf CLK_TCK)
measure() { # label name seconds
  local before after line
  before=$(cpu_ticks "${pid[$2]}")
  line=$(WRK_MODEL=up9100 WRK_HEADERS="${headers[$2]:-}" WRK_UNIQUE="${unique[$2]:+$1-$RANDOM$RANDOM}" \
    taskset -c 1 wrk -t1 -c64 -d"$3"s --timeout 10s -s benchmarks/wrk/chat.lua "http://127.0.0.1:${port[$2]}/v1/chat/completions" | grep '^RESULT')
  sleep 0.5 # the ledger's writer finishes its last batch and is counted
  after=$(cpu_ticks "${pid[$2]}")
  echo "$1 $2 $line cpu_us=$(( (after - before) * 1000000 / ticks )) rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/${pid[$2]}/status")"
}
echo "Warm-up, $warmup s per gateway"
for name in "${names[@]}"; do measure warm "$name" "$warmup" >/dev/null; done
for round in $(seq "$rounds"); do
  for name in "${names[@]}"; do measure "r$round" "$name" "$seconds" | tee -a "$out/runs.txt"; done
done
echo
echo "Medians over $rounds rounds: the gateway's CPU time per request (user + system, all threads), requests/s, and its"
echo "resident memory after its last run"
awk '{ split("", f); for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    n = $2; c[n]++; cpu[n, c[n]] = f["cpu_us"] / f["requests"]; rps[n, c[n]] = (f["requests"] - f["non2xx"]) / (f["duration_us"] / 1e6); bad[n] += f["non2xx"]; rss[n] = f["rss_kb"]
    if (!(n in seen)) { seen[n] = 1; order[++m] = n } }
  function median(a, n, k,   i, j, t, v) { for (i = 1; i <= k; i++) v[i] = a[n, i]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2 }
  END { base = median(cpu, "off", c["off"]); base_rps = median(rps, "off", c["off"])
    for (s = 1; s <= m; s++) { n = order[s]; x = median(cpu, n, c[n]); r = median(rps, n, c[n])
      printf "%-11s %6.1f µs/request (%+5.1f vs off)  %7.0f req/s (%5.1f%% of off)  RSS %4.0f MB%s\n", n, x, x - base, r, 100 * r / base_rps, rss[n] / 1024, bad[n] ? "  NON-2XX: " bad[n] : "" } }' "$out/runs.txt" | tee "$out/summary.txt"
