"""Benchmarks (not tests): load generators that print throughput and latency percentiles beside a
baseline measured in the same run. Results are written up in docs/benchmarks.md."""
