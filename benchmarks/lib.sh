# Shared by the benchmark scripts that start gateways themselves (run-ledger-ab.sh, run-features.sh, run-warmup.sh):
# source it from the repository root.

# The processes started so far; started_pid PID adds one, and they are all stopped when the script exits.
pids=()
started_pid() { pids+=("$1"); }
stop_started() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_started EXIT

# Waits up to 20 s for a listener on 127.0.0.1:PORT; the script fails when none comes.
wait_port() { for _ in $(seq 200); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened"; exit 1; }

# Prints the gateway settings (as VAR=value words for env) of one OpenAI-compatible backend per fake-upstream PORT,
# named upPORT, so a request's model picks the upstream port.
upstream_backends() {
  local i=0 port
  for port in "$@"; do
    printf 'LlmSettings__Backends__%d__Name=up%d LlmSettings__Backends__%d__Type=OpenAICompatible LlmSettings__Backends__%d__BaseUrl=http://127.0.0.1:%d/v1 LlmSettings__Backends__%d__ApiKey=sk-fake LlmSettings__Backends__%d__ModelName=m ' \
      "$i" "$port" "$i" "$i" "$port" "$i" "$i"
    i=$((i + 1))
  done
}

# The load table's features-on settings (as VAR=value words for env): a key with request and token limits and a spend
# budget set too high to refuse, the usage ledger, Prometheus, the memory cache (32 MB); requests send $benchmark_key.
benchmark_key=llmb-benchmark-key-0123456789abcdef
features_on_settings() {
  printf '%s ' Gateway__ApiKeys__0__Name=benchmark "Gateway__ApiKeys__0__Key=$benchmark_key" Gateway__ApiKeys__0__MaxRequestsPerMinute=100000000 \
    Gateway__ApiKeys__0__MaxTokensPerMinute=2000000000 Gateway__ApiKeys__0__MaxSpendUsd=1000000 Gateway__Telemetry__Prometheus=true \
    LlmSettings__Usage__Enabled=true LlmSettings__Caching__Enabled=true LlmSettings__Caching__MaxCacheSizeMb=32
}

# The gateway's CPU time so far (user + system, all threads), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
