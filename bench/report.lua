-- wrk reporter for make bench: one JSON line with the figures bench/run.py reads.
-- Latencies from wrk are in microseconds; errors count non-2xx/3xx answers and socket errors.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "status_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
