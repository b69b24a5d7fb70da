#!/usr/bin/env bash
# The usage ledger's cost through the gateway, measured side by side: two gateways run at once on the same core — the
# default (ledger on, SQLite) and LlmSettings__Usage__Enabled=false — and short wrk runs alternate between them (ABBA,
# several rounds), so both columns see the same machine at the same minutes. Prints one line per run and the medians.
#   bash benchmarks/run-ledger-ab.sh                      # 4 rounds of 5 s runs, then 2 rounds of 30 s at 256 connections
#   bash benchmarks/run-ledger-ab.sh --rounds 6 --seconds 8 --sustained 60 --warmup 60
#   bash benchmarks/run-ledger-ab.sh --on-env LlmSettings__Usage__Enabled=false   # A/A: both gateways the same, for the
#                                                 # run's noise floor (what "no difference" looks like on this machine)
#   bash benchmarks/run-ledger-ab.sh --on-env LlmSettings__Usage__Store=Memory   # the "on" gateway with other settings
#   bash benchmarks/run-ledger-ab.sh --scenarios "tp64-0ms" --sustained-rounds 0  # only some of lat1 tp64-0ms tp256-20ms
#   bash benchmarks/run-ledger-ab.sh --off-env Gateway__Telemetry__Prometheus=false   # any other feature on vs off: the
#                                                 # "off" gateway gets these settings instead of the ledger switched off
#   bash benchmarks/run-ledger-ab.sh --features-on --on-env DOTNET_GCConserveMemory=7 --off-env DUMMY=2
#                                                 # both gateways with every feature on (a key with limits and a budget,
#                                                 # the ledger, Prometheus, the memory cache taking a miss per request),
#                                                 # the load table's features-on column; any setting A/B on top of it
#   bash benchmarks/run-ledger-ab.sh --features-on --on-dll /tmp/before/Mostlyucid.LlmBackend.Gateway.dll --off-env DUMMY=2
#                                                 # two builds side by side (publish one elsewhere first)
# Build first (run-load.sh does): the gateway and benchmarks/FakeUpstream in Release. Needs wrk and taskset.
# Pinning is the load harness's: the gateways on core 0, the fake upstream and wrk on core 1.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
rounds=4 seconds=5 sustained=30 sustained_rounds=2 warmup=30 scenarios="lat1 tp64-0ms tp256-20ms"
on_env=()
off_env=()
features_on=0
declare -A dlls=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --sustained) sustained="$2"; shift 2 ;;
    --sustained-rounds) sustained_rounds="$2"; shift 2 ;;
    --scenarios) scenarios="$2"; shift 2 ;;
    --on-env) on_env+=("$2"); shift 2 ;;
    --off-env) off_env+=("$2"); shift 2 ;;
    --features-on) features_on=1; shift ;;
    --on-dll) dlls[on]="$2"; shift 2 ;;
    --off-dll) dlls[off]="$2"; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done

out="$root/artifacts/benchmarks/ledger-ab"
rm -rf "$out" && mkdir -p "$out"
gateway="$root/src/Mostlyucid.LlmBackend.Gateway/bin/Release/net10.0/Mostlyucid.LlmBackend.Gateway.dll"
upstream="$root/benchmarks/FakeUpstream/bin/Release/net10.0/FakeUpstream.dll"
# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh

key=$benchmark_key
features=()
if [ "$features_on" = 1 ]; then
  read -r -a features <<<"$(features_on_settings)"
fi

start_gateway() { # name port extra-env...
  local name="$1" port="$2"; shift 2
  # Pinned to one CPU, .NET waits 1 s without newly called methods before it optimises hot code, so a gateway measured
  # right after its warm-up could still be compiling itself while the other, idle meanwhile, had finished: the second
  # gateway started measured up to 70% more CPU a request in an A/A run. At 0 both reach full speed within seconds.
  # shellcheck disable=SC2046
  env $(upstream_backends 9100 9120 9101) ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning DOTNET_TC_CallCountingDelayMs=0 \
    LlmSettings__Usage__ConnectionString="$out/$name-usage.db" "${features[@]}" "$@" \
    taskset -c 0 dotnet "${dlls[$name]:-$gateway}" --urls "http://127.0.0.1:$port" >"$out/$name.log" 2>&1 &
  started_pid $!
}

taskset -c 1 dotnet "$upstream" --chunks 10 --listen 9100:0:200 --listen 9120:20:200 --listen 9101:0:10 >"$out/upstream.log" 2>&1 &
started_pid $!
start_gateway on 8080 "${on_env[@]}"
[ ${#off_env[@]} -gt 0 ] || off_env=(LlmSettings__Usage__Enabled=false)
start_gateway off 8082 "${off_env[@]}"
for port in 9100 9120 8080 8082; do wait_port "$port"; done

declare -A ports=([on]=8080 [off]=8082) gateway_pids=([on]=${pids[1]} [off]=${pids[2]})
ticks=$(getconf CLK_TCK)
wrk_run() { # label gateway connections model seconds
  local line before after
  before=$(cpu_ticks "${gateway_pids[$2]}")
  local headers="" unique=""
  if [ "$features_on" = 1 ]; then headers="Authorization: Bearer $key" unique="$1-$RANDOM$RANDOM"; fi
  line=$(WRK_MODEL="$4" WRK_HEADERS="$headers" WRK_UNIQUE="$unique" taskset -c 1 wrk -t1 -c"$3" -d"$5"s --timeout 10s -s benchmarks/wrk/chat.lua "http://127.0.0.1:${ports[$2]}/v1/chat/completions" | grep '^RESULT')
  sleep 1 # the ledger's writer finishes its last batch (and is counted) before the other gateway is measured
  after=$(cpu_ticks "${gateway_pids[$2]}")
  echo "$1 $2 $line cpu_us=$(( (after - before) * 1000000 / ticks )) rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/${gateway_pids[$2]}/status") load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/runs.txt"
}

# The warm-up is long because tiered compilation is slow to finish on one busy core: profiles of the gateway 20 s into a
# saturated run still showed most request-path methods at tier 0 (with PGO instrumentation), and JIT activity went on for
# about a minute. Measuring before it ends compares two gateways at different stages of compiling themselves.
echo "Warm-up, ${warmup} s per gateway (JIT tiering, connection pools, the SQLite file)"
for g in on off; do
  wrk_run warm "$g" 64 up9100 "$warmup" >/dev/null
  wrk_run warm "$g" 1 up9100 3 >/dev/null
done
: >"$out/runs.txt"

for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="on off"; else order="off on"; fi
  for scenario in $scenarios; do
    case "$scenario" in
      lat1) connections=1 model=up9100 ;;
      tp64-0ms) connections=64 model=up9100 ;;
      tp256-20ms) connections=256 model=up9120 ;;
      *) echo "unknown scenario $scenario"; exit 2 ;;
    esac
    for g in $order; do wrk_run "$scenario" "$g" "$connections" "$model" "$seconds"; done
  done
done
for r in $(seq "$sustained_rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="on off"; else order="off on"; fi
  for g in $order; do wrk_run "sustained${sustained}s" "$g" 256 up9120 "$sustained"; done
done

echo
echo "Medians over the rounds: p50 and p99 latency (µs), requests/s, and the gateway's CPU time per request (user + system,"
echo "all its threads, the ledger's writer included; the measure the machine's other load disturbs least), resident memory after"
echo "each run; ratio = on / off"
awk '
  { split("", f); for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    k = $1 SUBSEP $2; n[k]++; p50[k, n[k]] = f["p50_us"]; p99[k, n[k]] = f["p99_us"]
    rps[k, n[k]] = (f["requests"] - f["non2xx"]) / (f["duration_us"] / 1e6); cpu[k, n[k]] = f["cpu_us"] / f["requests"]; rss[k, n[k]] = f["rss_kb"] / 1024; if (!($1 in seen)) { seen[$1] = 1; order[++m] = $1 } }
  function median(a, k, c,   i, j, t, v) { for (i = 1; i <= c; i++) v[i] = a[k, i]
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2 }
  END { for (s = 1; s <= m; s++) { sc = order[s]; on = sc SUBSEP "on"; off = sc SUBSEP "off"
      a50 = median(p50, on, n[on]); b50 = median(p50, off, n[off]); a99 = median(p99, on, n[on]); b99 = median(p99, off, n[off])
      ar = median(rps, on, n[on]); br = median(rps, off, n[off]); ac = median(cpu, on, n[on]); bc = median(cpu, off, n[off])
      am = median(rss, on, n[on]); bm = median(rss, off, n[off])
      printf "%-16s n=%d  on p50 %6.0f p99 %7.0f %8.0f/s %5.1f cpu-µs/req %4.0f MB | off p50 %6.0f p99 %7.0f %8.0f/s %5.1f cpu-µs/req %4.0f MB | p50 %+5.0f µs, p99 %+6.0f µs, throughput %.1f%%, CPU %+.1f µs/request, resident %+.0f MB\n",
        sc, n[on], a50, a99, ar, ac, am, b50, b99, br, bc, bm, a50 - b50, a99 - b99, 100 * ar / br, ac - bc, am - bm } }' "$out/runs.txt" | tee "$out/summary.txt"
