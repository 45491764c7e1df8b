-- Printed by wrk at the end of a run, parsed by bench/run.py (latencies in microseconds).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCHJSON {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p95_us\": %d, \"p99_us\": %d, " ..
    "\"max_us\": %d, \"socket_errors\": %d, \"non_2xx\": %d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
