-- wrk script for the load harness: POSTs one chat completions request (not streamed) and reports latency percentiles
-- and non-2xx answers as one machine-readable line. The body's model and any extra headers come from the environment:
--   WRK_MODEL (default "m"), WRK_HEADERS ("name: value|name: value", for the peer gateway's routing headers or a key),
--   WRK_UNIQUE=<a run id>: every request different and cacheable (temperature 0, the run id and a counter in the
--   message) - a response cache's miss every time, in this run and the next.
local model = os.getenv("WRK_MODEL") or "m"
wrk.method = "POST"
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Say hello."}],"max_tokens":16}'
wrk.headers["Content-Type"] = "application/json"
local extra = os.getenv("WRK_HEADERS")
if extra then
  for pair in string.gmatch(extra, "[^|]+") do
    local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
    if name then wrk.headers[name] = value end
  end
end

local unique = os.getenv("WRK_UNIQUE")
if unique and unique ~= "" then
  local sent = 0
  local prefix = '{"model":"' .. model .. '","temperature":0,"messages":[{"role":"user","content":"Say hello. ' .. unique .. ' '
  function request()
    sent = sent + 1
    return wrk.format(nil, nil, nil, prefix .. sent .. '"}],"max_tokens":16}')
  end
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local non2xx = 0
  for _, thread in ipairs(threads) do
    non2xx = non2xx + (thread:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, non2xx, e.connect + e.read + e.write + e.timeout))
end
